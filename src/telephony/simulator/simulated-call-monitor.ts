/**
 * Monitoring on the simulated floor: a model of what Asterisk's snoop channels and bridges do,
 * so CI exercises supervisors' listen, whisper and barge end to end. It keeps the connected
 * calls it is told of (the composition root feeds it the engine's `call:connected` and
 * `call:ended`), the sessions per call and who hears whom in each, refuses a call that is not
 * connected, and reports a session whose call ended as an `ended` event.
 */
import type { MonitorMode } from '../../domain/monitoring-session.ts';
import { MonitorRefusal, type CallMonitor, type MonitorListener, type MonitorRequest } from '../../ports/call-monitor.ts';
import type { Clock } from '../../ports/clock.ts';

export type Party = 'agent' | 'customer' | 'supervisor';

interface SimSession {
  sessionId: string;
  callId: string;
  endpoint: string;
  mode: MonitorMode;
  /** Times the supervisor's phone was dialled (a change never redials it). */
  dials: number;
}

export interface SimulatedCallMonitor extends CallMonitor {
  /** The floor connected `callId` to an agent. */
  callConnected(callId: string, agentCode: string): void;
  /** The call is over: its sessions end (reported as events). */
  callEnded(callId: string): void;
  /** The supervisor hung up their phone. */
  supervisorHungUp(sessionId: string): void;
  /** The sessions on a call, for tests and logs. */
  sessionsOf(callId: string): readonly Readonly<SimSession>[];
  /** Who hears `party` on a call (with its sessions' supervisors). */
  hearersOf(callId: string, party: Party): Party[];
}

export function createSimulatedCallMonitor(deps: { clock: Clock }): SimulatedCallMonitor {
  const connected = new Map<string, string>();
  const sessions = new Map<string, SimSession>();
  let listener: MonitorListener = () => {};

  const known = (sessionId: string) => {
    const s = sessions.get(sessionId);
    if (!s) throw new MonitorRefusal('unknown-session', `no monitoring session ${sessionId}`);
    return s;
  };
  const ofCall = (callId: string) => [...sessions.values()].filter((s) => s.callId === callId);

  return {
    name: 'simulator',
    async start(l) {
      listener = l;
    },
    async stop() {
      sessions.clear();
      listener = () => {};
    },
    async begin(request: MonitorRequest) {
      if (connected.get(request.callId) === undefined) throw new MonitorRefusal('not-connected', `call ${request.callId} is not connected to an agent`);
      if (sessions.has(request.sessionId)) throw new MonitorRefusal('unavailable', `session ${request.sessionId} exists`);
      sessions.set(request.sessionId, { sessionId: request.sessionId, callId: request.callId, endpoint: request.endpoint, mode: request.mode, dials: 1 });
    },
    async change(sessionId, mode) {
      const s = known(sessionId);
      if (connected.get(s.callId) === undefined) throw new MonitorRefusal('not-connected', `call ${s.callId} is over`);
      s.mode = mode;
    },
    async end(sessionId) {
      sessions.delete(sessionId);
    },
    callConnected(callId, agentCode) {
      connected.set(callId, agentCode);
    },
    callEnded(callId) {
      connected.delete(callId);
      for (const s of ofCall(callId)) {
        sessions.delete(s.sessionId);
        listener({ type: 'ended', sessionId: s.sessionId, reason: 'call-ended', at: deps.clock.now() });
      }
    },
    supervisorHungUp(sessionId) {
      if (!sessions.delete(sessionId)) return;
      listener({ type: 'ended', sessionId, reason: 'supervisor-left', at: deps.clock.now() });
    },
    sessionsOf: (callId) => ofCall(callId).map((s) => ({ ...s })),
    hearersOf(callId, party) {
      const hearers: Party[] = party === 'agent' ? ['customer'] : party === 'customer' ? ['agent'] : [];
      for (const s of ofCall(callId)) {
        // listen: spy on both sides; whisper: the agent hears the supervisor too; barge: everyone.
        if (party !== 'supervisor') hearers.push('supervisor');
        else if (s.mode === 'whisper') hearers.push('agent');
        else if (s.mode === 'barge') hearers.push('agent', 'customer');
      }
      return [...new Set(hearers)];
    },
  };
}
