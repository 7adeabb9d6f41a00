/**
 * A supervisor's monitoring session on one connected call: the one state machine that says
 * whether a supervisor listens to, whispers to or barges into a call. The application keeps one
 * per supervisor (src/application/call-monitoring.ts); the supervisor's page and the agent's
 * desk render it, and the page only sends intents to it.
 *
 * Modes (what the supervisor's phone is given):
 *  - `listen`   the supervisor hears the agent and the customer; nobody hears the supervisor.
 *  - `whisper`  the supervisor hears both; only the agent hears the supervisor (coaching).
 *  - `barge`    the supervisor joins the call: everyone hears everyone.
 *
 * States:
 *  - `idle`       nothing asked yet.
 *  - `switching`  the telephony is setting up a mode (the first one, or a change); the
 *                 supervisor's phone stays up throughout a change.
 *  - `listening`, `whispering`, `barging`  the mode in force.
 *  - `ended`      stopped by the supervisor, the call ended, the supervisor's phone hung up, or
 *                 the first mode could not be set up. Final.
 *
 * Intents: `start` (in `idle` only), `switch` to another mode (refused while a change is being
 * made, and for the mode already in force), `stop` (from any live state). Events from the
 * telephony: `applied` (the mode is in force), `failed` (a first mode ends the session; a
 * failed change leaves the previous mode in force), `call-ended` and `supervisor-left` (end
 * the session), `lost` (the telephony lost the session, e.g. the PBX restarted: ended as
 * failed). Every transition and every refusal is a row of
 * test/unit/domain/monitoring-session.test.ts.
 */

export type MonitorMode = 'listen' | 'whisper' | 'barge';
export const MONITOR_MODES: readonly MonitorMode[] = ['listen', 'whisper', 'barge'];

export type MonitoringState = 'idle' | 'switching' | 'listening' | 'whispering' | 'barging' | 'ended';

export type EndReason = 'stopped' | 'call-ended' | 'supervisor-left' | 'failed';

export interface MonitoringSession {
  readonly state: MonitoringState;
  /** The mode in force (null in `idle`, while the first mode is set up, and once ended). */
  readonly mode: MonitorMode | null;
  /** While `switching`: the mode being set up. */
  readonly target: MonitorMode | null;
  /** When the current state began. */
  readonly since: number;
  readonly endReason: EndReason | null;
}

export type MonitoringIntent = { type: 'start'; mode: MonitorMode } | { type: 'switch'; mode: MonitorMode } | { type: 'stop' };

export type MonitoringEvent = { type: 'applied' } | { type: 'failed' } | { type: 'call-ended' } | { type: 'supervisor-left' } | { type: 'lost' };

export type MonitoringInput = MonitoringIntent | MonitoringEvent;

/** Why an input was refused (shown to the supervisor). */
export type MonitoringRefusal = 'already-started' | 'not-monitoring' | 'switching' | 'same-mode' | 'ended' | 'not-now';

export type MonitoringStep = { ok: true; session: MonitoringSession } | { ok: false; refusal: MonitoringRefusal };

const STATE_OF: Record<MonitorMode, MonitoringState> = { listen: 'listening', whisper: 'whispering', barge: 'barging' };

export function newMonitoringSession(at: number): MonitoringSession {
  return { state: 'idle', mode: null, target: null, since: at, endReason: null };
}

/** The state a mode is in force in. */
export const stateOfMode = (mode: MonitorMode): MonitoringState => STATE_OF[mode];

/** Whether the agent is being coached (hears the supervisor): whisper and barge, never listen. */
export const coaches = (mode: MonitorMode | null): mode is 'whisper' | 'barge' => mode === 'whisper' || mode === 'barge';

export function isModeName(value: unknown): value is MonitorMode {
  return typeof value === 'string' && (MONITOR_MODES as readonly string[]).includes(value);
}

/** The next session after `input` at `at`, or why it is refused (the session is then unchanged). */
export function stepMonitoring(session: MonitoringSession, input: MonitoringInput, at: number): MonitoringStep {
  const { state } = session;
  const ok = (next: Partial<MonitoringSession>): MonitoringStep => ({ ok: true, session: { ...session, ...next, since: next.state && next.state !== state ? at : session.since } });
  const refuse = (refusal: MonitoringRefusal): MonitoringStep => ({ ok: false, refusal });
  const end = (endReason: EndReason) => ok({ state: 'ended', mode: null, target: null, endReason });
  if (state === 'ended') return refuse('ended');
  switch (input.type) {
    case 'start':
      return state === 'idle' ? ok({ state: 'switching', target: input.mode }) : refuse('already-started');
    case 'switch':
      if (state === 'idle') return refuse('not-monitoring');
      if (state === 'switching') return refuse('switching');
      if (session.mode === input.mode) return refuse('same-mode');
      return ok({ state: 'switching', target: input.mode });
    case 'stop':
      return state === 'idle' ? refuse('not-monitoring') : end('stopped');
    case 'applied':
      return state === 'switching' && session.target ? ok({ state: STATE_OF[session.target], mode: session.target, target: null }) : refuse('not-now');
    case 'failed':
      if (state !== 'switching') return refuse('not-now');
      // A failed change leaves the mode that was in force; a first mode that failed ends the session.
      return session.mode ? ok({ state: STATE_OF[session.mode], target: null }) : end('failed');
    case 'call-ended':
      return end('call-ended');
    case 'supervisor-left':
      return end('supervisor-left');
    case 'lost':
      return end('failed');
  }
}
