/**
 * Supervisors monitoring calls: applies each supervisor's monitoring session
 * (src/domain/monitoring-session.ts) to the call-monitor port and audits it.
 *
 * Rules:
 *  - One session per supervisor at a time: a supervisor monitors one call (a start on the call
 *    already monitored switches its mode; another call must wait for a stop).
 *  - A call is monitored by at most one supervisor: two whisperers in an agent's ear, or a
 *    second supervisor barging into a barge, helps nobody, and the agent's notice names one.
 *  - Only a call connected to an agent (as the engine knows it) may be monitored.
 *  - Every session is stored before the supervisor's phone is dialled (no audit, no
 *    monitoring); each mode is stored with the times it was in force, and the end with its
 *    reason. The engine's `call:ended` and the port's `ended` event end a session.
 *  - Changes are announced (`onChange`) so the agent's desk shows coaching (whisper, barge);
 *    listening is never announced to the agent. After a transfer the session follows the call
 *    to the agent who has the customer now.
 */
import type { EngineEvents } from '../engine/engine-events.ts';
import { coaches, isModeName, newMonitoringSession, stepMonitoring, type MonitoringInput, type MonitoringRefusal, type MonitoringSession, type MonitoringStep, type MonitorMode } from '../domain/monitoring-session.ts';
import { MonitorRefusal, type CallMonitor, type MonitorEvent } from '../ports/call-monitor.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ModePeriod, MonitoringRecord, MonitoringStore } from '../ports/monitoring-store.ts';

export interface MonitoredCall {
  campaignId: number;
  agentCode: string | null;
  /** The engine's attempt state; only `connected` may be monitored. */
  state: string;
}

export interface CallMonitoringDeps {
  monitor: CallMonitor;
  store: MonitoringStore;
  clock: Clock;
  logger: Logger;
  events: Pick<EngineEvents, 'on'>;
  /** The call as the engine knows it now. */
  callOf(callId: string): MonitoredCall | undefined;
  /**
   * The supervisor's phone endpoint (the account's `monitorEndpoint`, or the supervisor's
   * browser phone), null when none is set, `unregistered` when it is the browser phone and that
   * phone is not registered now.
   */
  endpointOf(supervisor: string): SupervisorEndpoint | Promise<SupervisorEndpoint>;
  /** The agent who has the customer now (after a transfer: its target), when the engine knows. */
  handlerOf?(callId: string): string | null;
}

export type SupervisorEndpoint = string | null | { unregistered: true };

export interface ActiveMonitoring {
  id: number;
  supervisor: string;
  callId: string;
  campaignId: number;
  agentCode: string;
  /** Where the supervisor's audio goes. */
  endpoint: string;
  state: MonitoringSession['state'];
  mode: MonitorMode | null;
  target: MonitorMode | null;
  since: number;
  startedAt: number;
}

export type MonitoringErrorCode = 'invalid' | 'not-connected' | 'busy' | 'call-monitored' | 'no-endpoint' | 'phone-unregistered' | 'not-monitoring' | 'switching' | 'same-mode' | 'telephony' | 'audit';
export type MonitoringAnswer = { ok: true; session: ActiveMonitoring } | { ok: false; code: MonitoringErrorCode; message: string };

interface Entry {
  id: number;
  sessionId: string;
  supervisor: string;
  callId: string;
  campaignId: number;
  agentCode: string;
  endpoint: string;
  startedAt: number;
  session: MonitoringSession;
  modes: ModePeriod[];
  /** Audit writes of this session, in order. */
  writes: Promise<void>;
}

const REFUSALS: Record<MonitoringRefusal, { code: MonitoringErrorCode; message: string }> = {
  'already-started': { code: 'busy', message: 'You are already monitoring a call.' },
  'not-monitoring': { code: 'not-monitoring', message: 'You are not monitoring a call.' },
  switching: { code: 'switching', message: 'The mode is being changed; try again in a moment.' },
  'same-mode': { code: 'same-mode', message: 'That mode is already in force.' },
  ended: { code: 'not-monitoring', message: 'The monitoring session has ended.' },
  'not-now': { code: 'not-monitoring', message: 'Not now.' },
};

export function createCallMonitoring(deps: CallMonitoringDeps) {
  const { monitor, store, clock } = deps;
  const log = deps.logger.child({ component: 'call-monitoring' });
  const bySupervisor = new Map<string, Entry>();
  /** Supervisors whose phone is being looked up (a start in progress). */
  const lookingUp = new Set<string>();
  const listeners = new Set<(session: ActiveMonitoring, previous: MonitoringSession, formerAgent?: string) => void>();
  let offs: (() => void)[] = [];

  const refusal = (code: MonitoringErrorCode, message: string): MonitoringAnswer => ({ ok: false, code, message });
  const view = (e: Entry): ActiveMonitoring => ({
    id: e.id,
    supervisor: e.supervisor,
    callId: e.callId,
    campaignId: e.campaignId,
    agentCode: e.agentCode,
    endpoint: e.endpoint,
    state: e.session.state,
    mode: e.session.mode,
    target: e.session.target,
    since: e.session.since,
    startedAt: e.startedAt,
  });
  const live = () => [...bySupervisor.values()];
  const entryOfCall = (callId: string) => live().find((e) => e.callId === callId);
  const entryOfSession = (sessionId: string) => live().find((e) => e.sessionId === sessionId);

  /** Applies `input` to the entry's session; audits a mode taking effect and the end; tells listeners. */
  const step = (entry: Entry, input: MonitoringInput): MonitoringStep => {
    const at = clock.now();
    const result = stepMonitoring(entry.session, input, at);
    if (!result.ok) return result;
    const previous = entry.session;
    entry.session = result.session;
    const next = result.session;
    if (next.mode !== previous.mode || next.state === 'ended') {
      const open = entry.modes.at(-1);
      if (open && open.to === null) open.to = at;
      if (next.mode) entry.modes.push({ mode: next.mode, from: at, to: null });
    }
    if (next.state === 'ended') {
      if (bySupervisor.get(entry.supervisor) === entry) bySupervisor.delete(entry.supervisor);
      log.info({ callId: entry.callId, supervisor: entry.supervisor, reason: next.endReason }, 'monitoring ended');
    } else if (next.mode !== previous.mode) {
      log.info({ callId: entry.callId, supervisor: entry.supervisor, mode: next.mode }, 'monitoring mode in force');
    }
    if (next.mode !== previous.mode || next.state === 'ended') save(entry);
    const shown = view(entry);
    for (const l of listeners) l(shown, previous);
    return result;
  };

  const save = (entry: Entry) => {
    const change = { modes: entry.modes.map((m) => ({ ...m })), endedAt: entry.session.state === 'ended' ? entry.session.since : null, endReason: entry.session.endReason };
    entry.writes = entry.writes
      .then(() => store.save(entry.id, change))
      .catch((error: unknown) => log.error({ callId: entry.callId, supervisor: entry.supervisor, err: String((error as Error)?.message ?? error) }, 'monitoring audit not written'));
  };

  /** The port lost or ended a session by itself. */
  const onMonitorEvent = (event: MonitorEvent) => {
    const entry = entryOfSession(event.sessionId);
    if (!entry) return;
    log.info({ callId: entry.callId, supervisor: entry.supervisor, reason: event.reason, detail: event.detail }, 'monitoring session ended by the telephony');
    step(entry, { type: event.reason === 'call-ended' ? 'call-ended' : event.reason === 'supervisor-left' ? 'supervisor-left' : 'lost' });
  };

  const hangUp = (entry: Entry) =>
    monitor.end(entry.sessionId).catch((error: unknown) => log.warn({ callId: entry.callId, err: String((error as Error)?.message ?? error) }, "the supervisor's monitoring leg was not hung up"));

  async function change(entry: Entry, mode: MonitorMode): Promise<MonitoringAnswer> {
    const switched = step(entry, { type: 'switch', mode });
    if (!switched.ok) return refusal(REFUSALS[switched.refusal].code, REFUSALS[switched.refusal].message);
    try {
      await monitor.change(entry.sessionId, mode);
    } catch (error) {
      if (error instanceof MonitorRefusal && error.code !== 'unavailable') {
        step(entry, { type: 'call-ended' });
        return refusal('not-connected', 'The call is over: monitoring ended.');
      }
      step(entry, { type: 'failed' });
      return refusal('telephony', `The mode could not be changed: ${(error as Error)?.message ?? String(error)}`);
    }
    step(entry, { type: 'applied' });
    return { ok: true, session: view(entry) };
  }

  const service = {
    /** Subscribes to the engine's call ends and the port's events; ends sessions a previous run left open. */
    async attach(): Promise<void> {
      await monitor.start(onMonitorEvent);
      const closed = await store.closeOpen(clock.now()).catch(() => 0);
      if (closed > 0) log.warn({ sessions: closed }, 'monitoring sessions left open by the previous run were closed');
      offs = [
        deps.events.on('call:ended', (e) => {
          const entry = entryOfCall(e.callId);
          if (!entry) return;
          step(entry, { type: 'call-ended' });
          void hangUp(entry);
        }),
        // A transfer gives the customer to another agent: the coaching notice moves with the call.
        deps.events.on('call:control', (e) => {
          const entry = entryOfCall(e.callId);
          const handler = entry ? deps.handlerOf?.(e.callId) : null;
          if (!entry || !handler || handler === entry.agentCode) return;
          const former = entry.agentCode;
          entry.agentCode = handler;
          log.info({ callId: entry.callId, supervisor: entry.supervisor, from: former, to: handler }, "monitoring follows the call's new agent");
          const shown = view(entry);
          for (const l of listeners) l(shown, entry.session, former);
        }),
      ];
    },

    /** Ends every session (the service stops) and waits for their audit. */
    async detach(): Promise<void> {
      offs.forEach((off) => off());
      offs = [];
      const entries = live();
      for (const entry of entries) step(entry, { type: 'stop' });
      await Promise.all(entries.map(async (entry) => (await hangUp(entry), await entry.writes)));
      await monitor.stop();
    },

    /** Starts monitoring `callId` in `mode`; on the call already monitored by this supervisor, switches the mode. */
    async start(supervisor: string, callId: unknown, mode: unknown): Promise<MonitoringAnswer> {
      if (typeof callId !== 'string' || !callId) return refusal('invalid', 'callId is required.');
      if (!isModeName(mode)) return refusal('invalid', 'mode must be listen, whisper or barge.');
      const mine = bySupervisor.get(supervisor);
      if (mine && mine.callId === callId) return change(mine, mode);
      if (mine) return refusal('busy', `You are monitoring another call (${mine.callId}): stop it first.`);
      const call = deps.callOf(callId);
      if (!call || call.state !== 'connected' || !call.agentCode) return refusal('not-connected', 'This call is not connected to an agent (it has ended or is not answered yet): it cannot be monitored.');
      const other = entryOfCall(callId);
      if (other) return refusal('call-monitored', `${other.supervisor} is already monitoring this call.`);
      // Held while the phone is looked up, so a second start (this supervisor) is refused meanwhile.
      if (lookingUp.has(supervisor)) return refusal('busy', 'Monitoring is being started; try again in a moment.');
      lookingUp.add(supervisor);
      const endpoint = await Promise.resolve()
        .then(() => deps.endpointOf(supervisor))
        .catch(() => null)
        .finally(() => lookingUp.delete(supervisor));
      if (!endpoint) return refusal('no-endpoint', 'No phone is set for your account (monitorEndpoint, or stationId for the phone in the browser): monitoring has nowhere to send the audio.');
      if (typeof endpoint !== 'string') return refusal('phone-unregistered', 'Your phone in the browser is not connected: open the dashboard, allow the microphone and wait until the phone shows it is registered, then start again.');
      const monitoredMeanwhile = entryOfCall(callId);
      if (monitoredMeanwhile) return refusal('call-monitored', `${monitoredMeanwhile.supervisor} is already monitoring this call.`);
      if (bySupervisor.has(supervisor)) return refusal('busy', 'You are already monitoring a call.');
      if (deps.callOf(callId)?.state !== 'connected') return refusal('not-connected', 'This call is not connected to an agent any more: it cannot be monitored.');

      const startedAt = clock.now();
      const entry: Entry = {
        id: 0,
        sessionId: '',
        supervisor,
        callId,
        campaignId: call.campaignId,
        agentCode: call.agentCode,
        endpoint,
        startedAt,
        session: newMonitoringSession(startedAt),
        modes: [],
        writes: Promise.resolve(),
      };
      // Held before the first await, so a second start (this supervisor, or this call) is refused meanwhile.
      bySupervisor.set(supervisor, entry);
      try {
        entry.id = await store.open({ supervisor, callId, campaignId: call.campaignId, agentCode: call.agentCode, endpoint, startedAt });
      } catch (error) {
        bySupervisor.delete(supervisor);
        log.error({ callId, supervisor, err: String((error as Error)?.message ?? error) }, 'monitoring session not stored: refused');
        return refusal('audit', 'The monitoring session could not be recorded: monitoring refused.');
      }
      entry.sessionId = `monitor-${entry.id}`;
      step(entry, { type: 'start', mode });
      try {
        await monitor.begin({ sessionId: entry.sessionId, callId, agentCode: call.agentCode, endpoint, mode });
      } catch (error) {
        const gone = error instanceof MonitorRefusal && error.code === 'not-connected';
        step(entry, { type: 'failed' });
        log.warn({ callId, supervisor, err: String((error as Error)?.message ?? error) }, 'monitoring could not begin');
        return gone
          ? refusal('not-connected', 'This call is not connected to an agent any more: it cannot be monitored.')
          : refusal('telephony', `Monitoring could not begin: ${(error as Error)?.message ?? String(error)}`);
      }
      // The call may have ended while the phone was being set up: then the session is over.
      const applied = step(entry, { type: 'applied' });
      if (!applied.ok) {
        void hangUp(entry);
        return refusal('not-connected', 'The call ended while monitoring was being set up.');
      }
      return { ok: true, session: view(entry) };
    },

    async switchMode(supervisor: string, mode: unknown): Promise<MonitoringAnswer> {
      if (!isModeName(mode)) return refusal('invalid', 'mode must be listen, whisper or barge.');
      const entry = bySupervisor.get(supervisor);
      if (!entry) return refusal('not-monitoring', 'You are not monitoring a call.');
      return change(entry, mode);
    },

    async stop(supervisor: string): Promise<MonitoringAnswer> {
      const entry = bySupervisor.get(supervisor);
      if (!entry) return refusal('not-monitoring', 'You are not monitoring a call.');
      const stopped = step(entry, { type: 'stop' });
      if (!stopped.ok) return refusal(REFUSALS[stopped.refusal].code, REFUSALS[stopped.refusal].message);
      await hangUp(entry);
      await entry.writes;
      return { ok: true, session: view(entry) };
    },

    /** Whether this node's floor has the call (in a cluster, another node's may have it). */
    hasCall: (callId: string): boolean => deps.callOf(callId) !== undefined,
    /** The supervisor's live session, if any. */
    current: (supervisor: string): ActiveMonitoring | null => {
      const entry = bySupervisor.get(supervisor);
      return entry ? view(entry) : null;
    },
    active: (): ActiveMonitoring[] => live().map(view),
    /** Whether the agent is being coached now (whisper or barge in force); listening is never shown. */
    coachingOf(agentCode: string): { mode: 'whisper' | 'barge'; since: number; supervisor: string } | null {
      const entry = live().find((e) => e.agentCode === agentCode && coaches(e.session.mode));
      if (!entry || !coaches(entry.session.mode)) return null;
      return { mode: entry.session.mode, since: entry.modes.at(-1)?.from ?? entry.session.since, supervisor: entry.supervisor };
    },
    /** Audited sessions, newest first. */
    history: (filter: { limit?: number; supervisor?: string; callId?: string }): Promise<MonitoringRecord[]> => store.list(filter),
    /** Tells `listener` of every change of a session (`formerAgent`: the call moved from that agent); returns the unsubscribe function. */
    onChange(listener: (session: ActiveMonitoring, previous: MonitoringSession, formerAgent?: string) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return service;
}

export type CallMonitoring = ReturnType<typeof createCallMonitoring>;
