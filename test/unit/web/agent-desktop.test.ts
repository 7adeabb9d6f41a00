import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import type { AgentStatus } from '../../../src/engine/agent-pool.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { createAgentDesktop, type DeskSession } from '../../../src/web/agent-desktop.ts';

function floor(online: string[] = []) {
  const agents = new Map<string, AgentStatus>();
  const add = (agentCode: string, stationId: string) =>
    agents.set(agentCode, { agentCode, stationId, group: 'default', online: true, paused: false, pauseReason: null, activity: 'idle', since: 0, callId: null, autoWrapUpSeconds: null, callsTaken: 0 });
  for (const code of online) add(code, code.split('/')[1]!);
  const notified: string[] = [];
  const notes: [string, string][] = [];
  const events = new EngineEvents();
  const desktop = createAgentDesktop({
    engine: {
      events,
      agents: () => [...agents.values()],
      liveCalls: () => [],
      signInAgent: async (ref) => void add(ref.agentCode, ref.stationId),
      signOutAgent: async (code) => void agents.delete(code),
      pauseAgent: () => true,
      readyAgent: () => true,
      hangupCall: async () => {},
    },
    store: {
      getContact: async (campaignId, contactId) => ({ campaignId, contactId, seq: 1, phoneNumber: '0912345678', dialNumber: '0912345678', linkEdit: 'http://crm.test/c/1', state: 'dialing', outcome: null, attempts: 1, nextAttemptAt: null, lastStatus: null, waitReason: null, extra: null }),
      setAttemptNote: async (callId, note) => (notes.push([callId, note]), true),
    },
    clock: new VirtualClock(0),
    logger: silentLogger,
    probe: { probe: async () => 'denied' },
    publicOrigin: 'http://ccs.test',
    notify: (code) => notified.push(code),
  });
  desktop.attach();
  return { desktop, agents, events, notified, notes };
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
});
