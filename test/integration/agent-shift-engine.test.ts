/**
 * The agent's shift inside the real engine, in virtual time: Pause pressed during a call keeps
 * the agent talking and takes effect after its wrap-up (no customer is sent meanwhile or after);
 * sign-out is refused during the call and its wrap-up; ready during the call cancels the pause.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { answers, contactsFor, HOUR, MINUTE, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AGENT = 'Agent/7001';

describe('agent shift in the engine', () => {
  async function talking() {
    h = await startEngineHarness({ dialect: 'sqlite', sim: { agents: 0 }, fallback: answers(2, 20), settings: { maxWrapUpSeconds: 30 } });
    await h.engine.signInAgent({ agentCode: AGENT, stationId: '7001' });
    await h.clock.advanceBy(0);
    await h.sendCampaign({ id: 38, startsAt: h.clock.now(), endsAt: T0 + 2 * HOUR, contacts: contactsFor(phoneNumbers(3)) });
    await h.clock.advanceBy(5 * SECOND);
    const agent = () => h!.engine.agents().find((a) => a.agentCode === AGENT)!;
    expect(agent().shift.state).toBe('talking');
    return { h, agent };
  }

  it('pause during a call is taken after the wrap-up; the dialer sends no customer to the agent meanwhile or after', async () => {
    const { h, agent } = await talking();
    expect(h.engine.pauseAgent(AGENT, 'meeting')).toEqual({ ok: true });
    expect(agent()).toMatchObject({ paused: false, activity: 'talking', shift: { state: 'talking', pauseAfterCall: { reason: 'meeting' } } });
    expect(h.engine.agents().filter((a) => a.paused)).toHaveLength(0);

    await h.clock.advanceBy(20 * SECOND);
    expect(agent().shift).toMatchObject({ state: 'wrap-up', pauseAfterCall: { reason: 'meeting' } });
    await h.clock.advanceBy(30 * SECOND);
    expect(agent()).toMatchObject({ paused: true, pauseReason: 'meeting', shift: { state: 'paused', pauseAfterCall: null } });
    await h.clock.advanceBy(10 * MINUTE);
    expect(h.placed).toHaveLength(1);
  });

  it('refuses sign-out during the call and its wrap-up, and lets it through afterwards', async () => {
    const { h, agent } = await talking();
    expect(await h.engine.signOutAgent(AGENT)).toEqual({ ok: false, refusal: 'in-call' });
    await h.clock.advanceBy(20 * SECOND);
    expect(await h.engine.signOutAgent(AGENT)).toEqual({ ok: false, refusal: 'in-wrap-up' });
    expect(agent().shift.state).toBe('wrap-up');
    expect(h.engine.pauseAgent(AGENT, 'lunch')).toEqual({ ok: true });
    expect(await h.engine.signOutAgent(AGENT)).toEqual({ ok: true });
    expect(h.engine.agents().find((a) => a.agentCode === AGENT)).toBeUndefined();
  });

  it('ready during the call cancels the pending pause: the next customer comes after wrap-up', async () => {
    const { h, agent } = await talking();
    h.engine.pauseAgent(AGENT, 'break');
    expect(h.engine.readyAgent(AGENT)).toEqual({ ok: true });
    expect(agent().shift).toMatchObject({ state: 'talking', pauseAfterCall: null });
    await h.clock.advanceBy(20 * SECOND + 30 * SECOND + 5 * SECOND);
    expect(h.placed).toHaveLength(2);
  });

  it('a pause or ready pressed between sign-in and the phone’s first report is kept, not refused', async () => {
    h = await startEngineHarness({ dialect: 'sqlite', sim: { agents: 0 }, fallback: answers(2, 20) });
    await h.engine.signInAgent({ agentCode: AGENT, stationId: '7001' });
    expect(h.engine.agents().find((a) => a.agentCode === AGENT)).toBeUndefined();
    expect(h.engine.pauseAgent(AGENT, 'meeting')).toEqual({ ok: true });
    expect(h.engine.pauseAgent('Agent/7999', 'never signed in')).toEqual({ ok: false, refusal: 'unknown-agent' });
    await h.clock.advanceBy(0);
    expect(h.engine.agents().find((a) => a.agentCode === AGENT)).toMatchObject({ paused: true, pauseReason: 'meeting' });

    await h.engine.signInAgent({ agentCode: 'Agent/7002', stationId: '7002' }, undefined, { pause: { reason: 'break' } });
    expect(h.engine.readyAgent('Agent/7002')).toEqual({ ok: true });
    await h.clock.advanceBy(0);
    expect(h.engine.agents().find((a) => a.agentCode === 'Agent/7002')).toMatchObject({ paused: false, shift: { state: 'ready' } });
  });
});
