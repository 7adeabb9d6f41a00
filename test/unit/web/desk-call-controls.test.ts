/**
 * The desk's call controls on the server: only the agent whose desk shows the call acts on it
 * (another agent's session, a stale call id or no call at all are refused before the engine is
 * asked), the engine's refusals come back with their reason, and the transfer picker lists the
 * ready agents but the caller, supervisors by name only, and outside numbers only when the
 * campaign's profile has prefixes.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { AgentPool } from '../../../src/engine/agent-pool.ts';
import type { ControlAnswer, ControlIntent } from '../../../src/engine/call-controls.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import type { LiveCall } from '../../../src/engine/live-calls.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { createAgentDesktop, type DeskSession } from '../../../src/web/agent-desktop.ts';

function floor(answer: ControlAnswer = { ok: true }, prefixes: string[] = []) {
  const pool = new AgentPool(() => 'default');
  const clock = new VirtualClock(1_000);
  const events = new EngineEvents();
  const asked: [string, ControlIntent][] = [];
  const live: Partial<LiveCall>[] = [];
  const desktop = createAgentDesktop({
    engine: {
      events,
      agents: () => pool.all(),
      liveCall: (callId: string) => (live as LiveCall[]).find((c) => c.callId === callId),
      signInAgent: async (ref) => void pool.upsertPresence(ref, true, null, clock.now()),
      signOutAgent: async () => ({ ok: true }),
      pauseAgent: (code, reason) => (pool.apply(code, { type: 'pause', reason }, clock.now()), { ok: true }),
      readyAgent: () => ({ ok: true }),
      cancelPauseAfterCall: () => ({ ok: true }),
      hangupCall: async () => {},
      callControl: async (agentCode, intent) => (asked.push([agentCode, intent]), answer),
      callControlView: () => null,
      controlledCallOf: () => null,
    },
    store: { getContact: async () => undefined, setAttemptNote: async () => true, getAttempt: async () => undefined },
    clock,
    logger: silentLogger,
    probe: { probe: async () => 'denied' },
    publicOrigin: 'http://ccs.test',
    notify: () => {},
    transfers: { supervisors: () => [{ username: 'minh', endpoint: 'PJSIP/sup1' }], numberPrefixes: () => prefixes },
  });
  desktop.attach();
  /** The call reaches this agent's desk (as the engine's `call:connected` does). */
  const connect = async (agentCode: string, callId: string) => {
    live.push({ callId, campaignId: 7, contactId: 1, attemptNo: 1, phoneNumber: '0912345678' });
    pool.apply(agentCode, { type: 'reserve' }, clock.now(), callId);
    pool.apply(agentCode, { type: 'connect' }, clock.now(), callId);
    events.emit('call:connected', { callId, campaignId: 7, contactId: 1, agentCode, at: clock.now() });
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { desktop, asked, connect };
}

let n = 0;
const session = (username: string, agentCode: string): DeskSession => ({ id: `s${n++}`, username, role: 'agent', accountAgentCode: agentCode, accountStationId: agentCode.split('/')[1]!, origin: null });

describe('desk call controls', () => {
  it('refuses a control without a call, on a call id the desk does not show, and from another agent; the engine is not asked', async () => {
    const { desktop, asked, connect } = floor();
    const lan = session('lan', 'Agent/2001');
    const hoa = session('hoa', 'Agent/2002');
    await desktop.signIn(lan, {});
    await desktop.signIn(hoa, {});
    expect(await desktop.control(lan, undefined, { type: 'hold' })).toMatchObject({ ok: false, error: 'no-call' });
    await connect('Agent/2001', 'ccs-7-1-1');
    expect(await desktop.control(hoa, 'ccs-7-1-1', { type: 'hold' })).toMatchObject({ ok: false, error: 'no-call' });
    expect(await desktop.control(lan, 'ccs-7-1-0', { type: 'hold' })).toMatchObject({ ok: false, error: 'no-call' });
    expect(asked).toEqual([]);
    expect(await desktop.control(lan, 'ccs-7-1-1', { type: 'hold' })).toEqual({ ok: true });
    expect(asked).toEqual([['Agent/2001', { type: 'hold' }]]);
  });

  it("passes the engine's refusal on with its reason", async () => {
    const { desktop, connect } = floor({ ok: false, refusal: 'target-busy', message: 'Agent/2002 is not ready to take a call.' });
    const lan = session('lan', 'Agent/2001');
    await desktop.signIn(lan, {});
    await connect('Agent/2001', 'ccs-7-1-1');
    const intent: ControlIntent = { type: 'transfer', target: { kind: 'agent', agentCode: 'Agent/2002' }, mode: 'blind' };
    expect(await desktop.control(lan, 'ccs-7-1-1', intent)).toEqual({ ok: false, error: 'target-busy', message: 'Agent/2002 is not ready to take a call.' });
  });

  it('lists ready agents but the caller, supervisors by name, and outside numbers only with the profile’s prefixes', async () => {
    for (const prefixes of [[], ['09']]) {
      const { desktop, connect } = floor({ ok: true }, prefixes);
      const lan = session('lan', 'Agent/2001');
      const hoa = session('hoa', 'Agent/2002');
      const mai = session('mai', 'Agent/2003');
      for (const s of [lan, hoa, mai]) await desktop.signIn(s, {});
      desktop.pause(mai, 'break');
      expect(desktop.transferTargets(lan)).toBeNull();
      await connect('Agent/2001', 'ccs-7-1-1');
      expect(desktop.transferTargets(lan)).toEqual({
        agents: [{ agentCode: 'Agent/2002', stationId: '2002' }],
        supervisors: [{ username: 'minh' }],
        external: { allowed: prefixes.length > 0, prefixes },
      });
      expect(desktop.supervisorPhone('minh')).toEqual({ username: 'minh', endpoint: 'PJSIP/sup1' });
    }
  });
});
