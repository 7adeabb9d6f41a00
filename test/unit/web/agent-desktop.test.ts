import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import type { DeskHold } from '../../../src/auth/session-store.ts';
import type { ShiftStep } from '../../../src/domain/agent-shift.ts';
import type { AttemptRecord } from '../../../src/domain/campaign.ts';
import { AgentPool } from '../../../src/engine/agent-pool.ts';
import type { ShiftAnswer } from '../../../src/engine/engine.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { createAgentDesktop, type DeskSession } from '../../../src/web/agent-desktop.ts';

function floor(online: string[] = []) {
  // The engine's own agent pool, so the desk answers as the real shift does.
  const pool = new AgentPool(() => 'default');
  const clock = new VirtualClock(0);
  const add = (agentCode: string, stationId: string, pause?: { reason: string | null } | null) => {
    if (pause) pool.startPaused(agentCode, pause);
    pool.upsertPresence({ agentCode, stationId }, true, null, clock.now());
  };
  for (const code of online) add(code, code.split('/')[1]!);
  const notified: string[] = [];
  const notes: [string, string][] = [];
  const remembered: [string, DeskHold | null][] = [];
  const attempts = new Map<string, AttemptRecord>();
  const events = new EngineEvents();
  const answer = (step: ShiftStep | undefined): ShiftAnswer => (!step ? { ok: false, refusal: 'unknown-agent' } : step.ok ? { ok: true } : { ok: false, refusal: step.refusal });
  const desktop = createAgentDesktop({
    engine: {
      events,
      agents: () => pool.all(),
      liveCall: () => undefined,
      signInAgent: async (ref, _group, options) => void add(ref.agentCode, ref.stationId, options?.pause),
      signOutAgent: async (code, options) => {
        const refused = options?.force ? undefined : pool.apply(code, { type: 'sign-out' }, clock.now());
        if (refused && !refused.ok) return answer(refused);
        pool.remove(code);
        return { ok: true };
      },
      pauseAgent: (code, reason) => answer(pool.apply(code, { type: 'pause', reason }, clock.now())),
      readyAgent: (code) => answer(pool.apply(code, { type: 'ready' }, clock.now())),
      cancelPauseAfterCall: (code) => answer(pool.apply(code, { type: 'cancel-pause-after-call' }, clock.now())),
      hangupCall: async () => {},
    },
    store: {
      getContact: async (campaignId, contactId) => ({ campaignId, contactId, seq: 1, phoneNumber: '0912345678', dialNumber: '0912345678', linkEdit: 'http://crm.test/c/1', state: 'dialing', outcome: null, attempts: 1, nextAttemptAt: null, lastStatus: null, waitReason: null, extra: null }),
      setAttemptNote: async (callId, note) => (notes.push([callId, note]), true),
      getAttempt: async (callId) => attempts.get(callId),
    },
    clock,
    logger: silentLogger,
    probe: { probe: async () => 'denied' },
    publicOrigin: 'http://ccs.test',
    notify: (code) => notified.push(code),
    remember: (id, desk) => remembered.push([id, desk]),
  });
  desktop.attach();
  const agents = { has: (code: string) => pool.get(code) !== undefined };
  return { desktop, agents, pool, events, notified, notes, remembered, attempts, clock };
}

let n = 0;
const session = (username: string, agentCode: string | null = null): DeskSession => ({ id: `s${n++}`, username, role: 'agent', accountAgentCode: agentCode, accountStationId: agentCode?.split('/')[1] ?? null, origin: null });

describe('agent desktop', () => {
  it('lets one session hold an agent code; another user is refused, the same user on another browser takes it over', async () => {
    const { desktop } = floor();
    const lan = session('lan');
    const hoa = session('hoa');
    expect(await desktop.signIn(lan, { agentCode: 'Agent/2001', stationId: '2001' })).toEqual({ ok: true });
    expect(await desktop.signIn(hoa, { agentCode: 'Agent/2001', stationId: '2002' })).toEqual({ ok: false, error: 'agent-code-taken' });
    const lanAgain = session('lan');
    expect(await desktop.signIn(lanAgain, { agentCode: 'Agent/2001', stationId: '2001' })).toEqual({ ok: true });
    expect(desktop.agentCodeOf(lan)).toBeNull();
    expect(desktop.agentCodeOf(lanAgain)).toBe('Agent/2001');
  });

  it('refuses an agent code already online without a desktop, except to the account tied to it', async () => {
    const { desktop } = floor(['Agent/9001']);
    expect(await desktop.signIn(session('hoa'), { agentCode: 'Agent/9001', stationId: '9001' })).toEqual({ ok: false, error: 'agent-code-in-use' });
    expect(await desktop.signIn(session('lan', 'Agent/9001'), {})).toEqual({ ok: true });
  });

  it('refuses malformed agent codes and stations', async () => {
    const { desktop } = floor();
    expect(await desktop.signIn(session('lan'), { agentCode: 'Agent 1', stationId: '1' })).toMatchObject({ ok: false, error: 'invalid' });
    expect(await desktop.signIn(session('lan'), { agentCode: 'Agent/1', stationId: '' })).toMatchObject({ ok: false, error: 'invalid' });
  });

  it("builds the desk call from the contact, with its CRM page and framing verdict, and keeps notes only for the agent's own call", async () => {
    const { desktop, events, notes } = floor();
    const lan = session('lan', 'Agent/1001');
    await desktop.signIn(lan, {});
    events.emit('call:connected', { callId: 'c-1', campaignId: 7, contactId: 3, agentCode: 'Agent/1001', at: 1000 });
    events.emit('call:connected', { callId: 'c-2', campaignId: 7, contactId: 4, agentCode: 'Agent/1002', at: 1000 });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(desktop.state(lan).call).toMatchObject({ callId: 'c-1', campaignId: 7, contactId: 3, phoneNumber: '0912345678', linkedit: 'http://crm.test/c/1', framing: 'denied', endedAt: null });
    events.emit('call:ended', { callId: 'c-1', campaignId: 7, contactId: 3, status: 'ANSWERED', agentCode: 'Agent/1001', at: 5000, waitedMs: 0 });
    expect(desktop.state(lan).call).toMatchObject({ endedAt: 5000, status: 'ANSWERED' });
    expect(await desktop.note(lan, 'c-2', 'not mine')).toEqual({ ok: false, error: 'no-call' });
    expect(await desktop.note(lan, 'c-1', '  hẹn gọi lại  ')).toEqual({ ok: true });
    expect(notes).toEqual([['c-1', 'hẹn gọi lại']]);
    expect(desktop.ready(lan)).toEqual({ ok: true });
    expect(desktop.state(lan).call).toBeNull();
  });

  it('takes the agent off the floor when its session ends', async () => {
    const { desktop, agents } = floor();
    const lan = session('lan', 'Agent/1001');
    await desktop.signIn(lan, {});
    expect(agents.has('Agent/1001')).toBe(true);
    await desktop.sessionEnded(lan);
    expect(agents.has('Agent/1001')).toBe(false);
    expect(desktop.state(lan).desk).toBeNull();
  });

  const settle = async () => {
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Signs `lan` in as Agent/1001 and puts a customer through: talking on call c-1. */
  async function onACall() {
    const f = floor();
    const lan = session('lan', 'Agent/1001');
    await f.desktop.signIn(lan, {});
    f.pool.apply('Agent/1001', { type: 'reserve' }, 10, 'c-1');
    f.pool.apply('Agent/1001', { type: 'connect' }, 20, 'c-1');
    f.events.emit('call:connected', { callId: 'c-1', campaignId: 7, contactId: 3, agentCode: 'Agent/1001', at: 20 });
    await settle();
    return { ...f, lan };
  }

  it('pause during a call is a pause after it: the agent is shown talking with the pause pending', async () => {
    const { desktop, pool, lan } = await onACall();
    expect(desktop.pause(lan, 'meeting')).toEqual({ ok: true });
    expect(desktop.state(lan).agent).toMatchObject({ state: 'talking', pauseReason: null, pauseAfterCall: { reason: 'meeting' } });
    pool.apply('Agent/1001', { type: 'call-ended' }, 30);
    expect(desktop.state(lan).agent).toMatchObject({ state: 'wrap-up', pauseAfterCall: { reason: 'meeting' } });
    pool.apply('Agent/1001', { type: 'wrap-up-timeout' }, 40);
    expect(desktop.state(lan).agent).toMatchObject({ state: 'paused', pauseReason: 'meeting', pauseAfterCall: null });
  });

  it('cancelling a pause pending in wrap-up drops that pause only: the agent stays in wrap-up, then is ready', async () => {
    const { desktop, pool, lan, remembered } = await onACall();
    desktop.pause(lan, 'meeting');
    pool.apply('Agent/1001', { type: 'call-ended' }, 30);
    expect(desktop.cancelPauseAfterCall(lan)).toEqual({ ok: true });
    expect(desktop.state(lan).agent).toMatchObject({ state: 'wrap-up', pauseAfterCall: null });
    expect(remembered.at(-1)).toEqual([lan.id, { agentCode: 'Agent/1001', stationId: '1001', pause: null }]);
    pool.apply('Agent/1001', { type: 'wrap-up-timeout' }, 40);
    expect(desktop.state(lan).agent).toMatchObject({ state: 'ready', pauseReason: null });
  });

  it('refuses to end the shift during a call and during its wrap-up, with a message, and the agent stays on the floor', async () => {
    const { desktop, pool, agents, lan } = await onACall();
    expect(await desktop.signOut(lan)).toEqual({ ok: false, error: 'in-call', message: 'You cannot end your shift during a call.' });
    pool.apply('Agent/1001', { type: 'call-ended' }, 30);
    expect(await desktop.signOut(lan)).toMatchObject({ ok: false, error: 'in-wrap-up' });
    expect(desktop.canEnd(lan)).toMatchObject({ ok: false, error: 'in-wrap-up' });
    expect(agents.has('Agent/1001')).toBe(true);
    expect(desktop.state(lan).desk).toEqual({ agentCode: 'Agent/1001', stationId: '1001' });
    expect(desktop.ready(lan)).toEqual({ ok: true });
    expect(await desktop.signOut(lan)).toEqual({ ok: true });
    expect(agents.has('Agent/1001')).toBe(false);
  });

  it('keeps a note saved after ready cleared the call, or after the next call connected, but never on a call of another agent', async () => {
    const { desktop, pool, events, notes, lan } = await onACall();
    pool.apply('Agent/1001', { type: 'call-ended' }, 30);
    events.emit('call:ended', { callId: 'c-1', campaignId: 7, contactId: 3, status: 'ANSWERED', agentCode: 'Agent/1001', at: 30, waitedMs: 0 });
    expect(await desktop.note(lan, 'c-1', 'khách hẹn')).toEqual({ ok: true });
    expect(desktop.state(lan).call?.note).toBe('khách hẹn');
    expect(desktop.ready(lan)).toEqual({ ok: true });
    expect(desktop.state(lan).call).toBeNull();
    pool.apply('Agent/1001', { type: 'reserve' }, 50, 'c-2');
    pool.apply('Agent/1001', { type: 'connect' }, 60, 'c-2');
    events.emit('call:connected', { callId: 'c-2', campaignId: 7, contactId: 4, agentCode: 'Agent/1001', at: 60 });
    await settle();
    expect(await desktop.note(lan, 'c-1', 'khách hẹn thứ Hai')).toEqual({ ok: true });
    expect(desktop.state(lan).call).toMatchObject({ callId: 'c-2', note: null });
    events.emit('call:connected', { callId: 'c-9', campaignId: 7, contactId: 5, agentCode: 'Agent/1002', at: 60 });
    expect(await desktop.note(lan, 'c-9', 'not mine')).toEqual({ ok: false, error: 'no-call' });
    expect(notes).toEqual([
      ['c-1', 'khách hẹn'],
      ['c-1', 'khách hẹn thứ Hai'],
    ]);
  });

  it('remembers the desk with the session, and brings the agent back as it was when that desk reconnects after a restart', async () => {
    const before = floor();
    const lan = session('lan', 'Agent/1001');
    await before.desktop.signIn(lan, {});
    before.desktop.pause(lan, 'lunch');
    expect(before.remembered.at(-1)).toEqual([lan.id, { agentCode: 'Agent/1001', stationId: '1001', pause: { reason: 'lunch' } }]);

    // A new process: the agent is not on the floor until its desk comes back.
    const after = floor();
    const restored = { ...lan, desk: before.remembered.at(-1)![1] };
    expect(after.agents.has('Agent/1001')).toBe(false);
    expect(after.desktop.state(restored).desk).toBeNull();
    await Promise.all([after.desktop.resume(restored), after.desktop.resume(restored)]);
    expect(after.desktop.state(restored)).toMatchObject({ desk: { agentCode: 'Agent/1001', stationId: '1001' }, agent: { state: 'paused', pauseReason: 'lunch' } });
  });

  it('forgets the desk of a browser whose agent the same user took over from another one', async () => {
    const { desktop, remembered } = floor();
    const first = session('lan', 'Agent/1001');
    const second = session('lan', 'Agent/1001');
    await desktop.signIn(first, {});
    await desktop.signIn(second, {});
    expect(remembered).toContainEqual([first.id, null]);
    expect(remembered.at(-1)).toEqual([second.id, { agentCode: 'Agent/1001', stationId: '1001', pause: null }]);
  });

  it('after a restart, saves a late note to the agent’s own call ended within the hour, never to another agent’s or an older one', async () => {
    const { desktop, attempts, notes, clock } = floor();
    const lan = session('lan', 'Agent/1001');
    await desktop.signIn(lan, {});
    await clock.advanceBy(2 * 3600_000);
    const attempt = (callId: string, agentCode: string, endedAt: number) =>
      attempts.set(callId, { callId, agentCode, endedAt } as AttemptRecord);
    attempt('c-mine', 'Agent/1001', clock.now() - 60_000);
    attempt('c-old', 'Agent/1001', clock.now() - 2 * 3600_000);
    attempt('c-theirs', 'Agent/1002', clock.now() - 60_000);
    expect(await desktop.note(lan, 'c-mine', 'gọi lại sau')).toEqual({ ok: true });
    expect(await desktop.note(lan, 'c-old', 'x')).toEqual({ ok: false, error: 'no-call' });
    expect(await desktop.note(lan, 'c-theirs', 'x')).toEqual({ ok: false, error: 'no-call' });
    expect(notes).toEqual([['c-mine', 'gọi lại sau']]);
  });

  it('forgets the desk when the agent ends the shift', async () => {
    const { desktop, remembered } = floor();
    const lan = session('lan', 'Agent/1001');
    await desktop.signIn(lan, {});
    await desktop.signOut(lan);
    expect(remembered.at(-1)).toEqual([lan.id, null]);
  });
});
