/**
 * The agent desktop's server side: which browser session holds which agent code, and the call
 * in front of each desktop agent.
 *
 * A session signs in to the floor with an agent code and station (`engine.signInAgent`), which
 * makes it an agent the dialer uses; one code is held by one session at a time (the same user
 * signing in again takes it over). The agent's state is the engine's shift
 * (src/domain/agent-shift.ts): the desk shows it and sends intents (ready, pause, sign out),
 * which the shift accepts, defers (pause during a call) or refuses (sign-out during a call or
 * its wrap-up). When a customer is connected to a desktop agent, the desk call is built from
 * the live call and the contact (its CRM `linkedit` page, and whether that page can be
 * framed); it moves to ended with the call. The note is saved as the agent types (kept with the
 * attempt at once, so neither the wrap-up timer nor ready loses it); pressing ready clears the
 * call. The desk a session holds is remembered with the session: after a restart the agent
 * returns to the floor (paused if it was) when that desk reconnects (`resume`), not before.
 * Sign-out, sign-off and session expiry take the agent off the floor.
 */
import type { AccountRole } from '../auth/accounts.ts';
import type { DeskHold } from '../auth/session-store.ts';
import type { Pause, ShiftRefusal } from '../domain/agent-shift.ts';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { AgentStatus } from '../engine/agent-pool.ts';
import type { CallControlView, ControlIntent, ControlRefusal } from '../engine/call-controls.ts';
import type { Engine, ShiftAnswer } from '../engine/engine.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import type { DeskOffer, DeskOutbound } from './agent-dialing.ts';
import type { AgentPhones } from './agent-phone.ts';
import type { FrameProbe, ProbeResult } from './frame-probe.ts';

export interface DeskCall {
  callId: string;
  campaignId: number;
  contactId: number;
  attemptNo: number | null;
  phoneNumber: string;
  linkedit: string | null;
  framing: ProbeResult | 'checking';
  connectedAt: number;
  endedAt: number | null;
  status: ReportedStatus | null;
  note: string | null;
  /** While the call is up: hold, mute and transfer as they are now (call controls). */
  controls?: CallControlView | null;
  /** This agent's part ended with a transfer (the call went on with someone else). */
  transferred?: boolean;
  /** This agent was consulted (or in conference) and dropped; the call went on without it. */
  consultEnded?: boolean;
}

export interface DeskSession {
  id: string;
  username: string;
  role: AccountRole;
  accountAgentCode: string | null;
  accountStationId: string | null;
  origin: string | null;
  /** The desk this session held before a restart (restored by `resume`). */
  desk?: DeskHold | null;
}

export interface DeskState {
  desk: { agentCode: string; stationId: string } | null;
  agent: {
    state: 'offline' | 'ready' | 'paused' | 'reserved' | 'talking' | 'wrap-up';
    pauseReason: string | null;
    /** Pause asked for during the call, taken when it (and its wrap-up) is over. */
    pauseAfterCall: { reason: string | null } | null;
    since: number;
    callsTaken: number;
    /** In wrap-up: when the wrap-up timer returns the agent to ready (for the countdown). */
    wrapUpEndsAt: number | null;
  } | null;
  call: DeskCall | null;
  /** Preview: the contact offered before any call (agent-dialing.ts). */
  offer?: DeskOffer | null;
  /** A preview or manual leg placed for this agent and not connected yet (or the last one's outcome). */
  outbound?: DeskOutbound | null;
  /** A supervisor coaching this agent now (whisper or barge); a supervisor listening is never shown. */
  coaching?: DeskCoachingNotice | null;
  serverNow: number;
}

export interface DeskCoachingNotice {
  mode: 'whisper' | 'barge';
  since: number;
  supervisor: string;
}

export type DeskError = 'invalid' | 'agent-code-mismatch' | 'agent-code-taken' | 'agent-code-in-use' | 'not-signed-in' | 'in-call' | 'in-wrap-up' | 'code-required' | 'offline' | 'no-call' | 'telephony' | Exclude<ControlRefusal, 'no-call' | 'telephony'>;

/** Whom the agent on a call may transfer it to (the desk's target picker). */
export interface DeskTransferTargets {
  agents: { agentCode: string; stationId: string }[];
  supervisors: { username: string }[];
  /** Whether outside numbers are allowed for this call's campaign (its profile's prefixes). */
  external: { allowed: boolean; prefixes: string[] };
}
export type DeskResult = { ok: true } | { ok: false; error: DeskError; message?: string };

export interface AgentDesktopDeps {
  engine: Pick<Engine, 'events' | 'agents' | 'liveCall' | 'signInAgent' | 'signOutAgent' | 'pauseAgent' | 'readyAgent' | 'cancelPauseAfterCall' | 'hangupCall'> &
    Partial<Pick<Engine, 'callControl' | 'callControlView' | 'controlledCallOf'>>;
  /** Supervisors a call can be transferred to (accounts with a phone), and a campaign's outside-number prefixes. */
  transfers?: { supervisors(): { username: string; endpoint: string }[]; numberPrefixes(campaignId: number): string[] };
  store: Pick<Store, 'getContact' | 'setAttemptNote' | 'getAttempt'>;
  clock: Clock;
  logger: Logger;
  probe: FrameProbe;
  /** Origin assumed for framing checks when the session's is unknown. */
  publicOrigin: string;
  /** Tells the agent's open desktops that their state changed. */
  notify(agentCode: string): void;
  /** Keeps the desk a session holds with the session (so it survives a restart). */
  remember?(sessionId: string, desk: DeskHold | null): void;
  /** The agent's preview offer and outbound leg (agent-dialing.ts). */
  dialing?: { view(agentCode: string): Pick<DeskState, 'offer' | 'outbound'> };
  /** Supervisors' monitoring (src/application/call-monitoring.ts). */
  coaching?: { coachingOf(agentCode: string): DeskCoachingNotice | null };
  /** The phone in the browser (agent-phone.ts): the desk's endpoint, and its credentials ended with the desk. */
  phone?: Pick<AgentPhones, 'endpointOf' | 'beforeSignIn' | 'signedOut'>;
}

const AGENT_CODE = /^[A-Za-z0-9/_.@-]{1,40}$/;
const STATION = /^[A-Za-z0-9_.@-]{1,20}$/;
const MAX_NOTE = 2000;
/** Calls per agent a late note may still be saved to (an autosave landing after the next call connected). */
const RECENT_CALLS = 5;
/** After a restart, a note may still be saved to the agent's own call ended this recently. */
const LATE_NOTE_MS = 3600_000;

const MESSAGES: Partial<Record<DeskError, string>> = {
  'in-call': 'You cannot end your shift during a call.',
  'in-wrap-up': 'Finish the wrap-up of your call before ending your shift.',
  'code-required': 'Choose a disposition for your call before leaving wrap-up.',
  offline: 'Your phone is not connected: no call can reach you.',
};

interface Holder {
  agentCode: string;
  stationId: string;
  session: DeskSession;
}

export function agentStateOf(a: AgentStatus | undefined): DeskState['agent'] {
  if (!a) return null;
  const { state, pause, pauseAfterCall } = a.shift;
  return { state, pauseReason: state === 'paused' ? (pause?.reason ?? null) : null, pauseAfterCall: pauseAfterCall ? { reason: pauseAfterCall.reason } : null, since: a.since, callsTaken: a.callsTaken, wrapUpEndsAt: state === 'wrap-up' ? (a.wrapUpEndsAt ?? null) : null };
}

export function createAgentDesktop(deps: AgentDesktopDeps) {
  const { engine, clock } = deps;
  const log = deps.logger.child({ component: 'agent-desktop' });
  const byCode = new Map<string, Holder>();
  const bySession = new Map<string, string>();
  const calls = new Map<string, DeskCall>();
  /** The last calls of each agent (call ids), newest last: notes may still be saved to them. */
  const recent = new Map<string, string[]>();
  const resuming = new Map<string, Promise<void>>();

  const holderOf = (session: DeskSession) => {
    const code = bySession.get(session.id);
    return code ? byCode.get(code) : undefined;
  };
  const agentOf = (code: string) => engine.agents().find((a) => a.agentCode === code);
  const remember = (session: DeskSession, desk: DeskHold | null) => {
    session.desk = desk;
    deps.remember?.(session.id, desk);
  };
  const refused = (error: DeskError): DeskResult => ({ ok: false, error, ...(MESSAGES[error] ? { message: MESSAGES[error] } : {}) });
  const refusedBy = (refusal: ShiftRefusal | 'unknown-agent'): DeskResult =>
    refused(refusal === 'in-call' || refusal === 'in-wrap-up' || refusal === 'code-required' || refusal === 'offline' ? refusal : 'not-signed-in');

  const release = (code: string) => {
    const holder = byCode.get(code);
    if (holder) bySession.delete(holder.session.id);
    byCode.delete(code);
    calls.delete(code);
  };

  /** Who had the customer of each live call at its last change (to tell a transfer from a dropped consult). */
  const handlers = new Map<string, string | null>();
  /** The desk call this agent has, by call id, if any. */
  const holdersOfCall = (callId: string) => [...calls.entries()].filter(([, c]) => c.callId === callId).map(([code]) => code);

  /**
   * A call control changed the call: a transfer's target gets the call on its desk once it
   * talks on it; an agent whose part is over (transferred away, a consult dropped) sees it end.
   */
  function onControl(e: { callId: string; agentCodes: string[]; at: number }) {
    const before = handlers.get(e.callId);
    const view = engine.callControlView?.(e.callId) ?? null;
    if (view) handlers.set(e.callId, view.handler);
    for (const code of e.agentCodes) {
      const onCall = engine.controlledCallOf?.(code) === e.callId;
      const desk = calls.get(code);
      const talking = agentOf(code)?.shift.state === 'talking';
      if (onCall && talking && desk?.callId !== e.callId) {
        const live = engine.liveCall(e.callId);
        if (live && byCode.has(code)) {
          onConnected({ callId: e.callId, campaignId: live.campaignId, contactId: live.contactId, agentCode: code, at: e.at }).catch((error) =>
            log.warn({ callId: e.callId, err: String(error) }, 'desk call could not be prepared'),
          );
          continue;
        }
      }
      if (desk?.callId === e.callId && desk.endedAt === null && !onCall) {
        // Transferred away, or a consult this agent answered was dropped: the call goes on without it.
        desk.endedAt = e.at;
        if (before === code) desk.transferred = true;
        else desk.consultEnded = true;
      }
      if (byCode.has(code)) deps.notify(code);
    }
  }

  async function onConnected(e: { callId: string; campaignId: number; contactId: number; agentCode: string; at: number }) {
    const holder = byCode.get(e.agentCode);
    if (!holder) return;
    const live = engine.liveCall(e.callId);
    const call: DeskCall = {
      callId: e.callId,
      campaignId: e.campaignId,
      contactId: e.contactId,
      attemptNo: live?.attemptNo ?? null,
      phoneNumber: live?.phoneNumber ?? '',
      linkedit: null,
      framing: 'checking',
      connectedAt: e.at,
      endedAt: null,
      status: null,
      note: null,
    };
    calls.set(e.agentCode, call);
    recent.set(e.agentCode, [...(recent.get(e.agentCode) ?? []), e.callId].slice(-RECENT_CALLS));
    const contact = await deps.store.getContact(e.campaignId, e.contactId).catch(() => undefined);
    call.linkedit = contact?.linkEdit ?? null;
    if (!call.phoneNumber) call.phoneNumber = contact?.phoneNumber ?? '';
    if (!call.linkedit) call.framing = 'unknown';
    deps.notify(e.agentCode);
    if (call.linkedit) {
      call.framing = await deps.probe.probe(call.linkedit, holder.session.origin ?? deps.publicOrigin);
      if (calls.get(e.agentCode) === call) deps.notify(e.agentCode);
    }
  }

  /** The desk call with its controls as they are now (while it is up for this agent). */
  const deskCall = (call: DeskCall | undefined): DeskCall | null => {
    if (!call) return null;
    return { ...call, controls: call.endedAt === null ? (engine.callControlView?.(call.callId) ?? null) : null };
  };

  /** The call this session's agent is on, checked against the call id the desk acted on. */
  const controlledCall = (session: DeskSession, callId: unknown): { holder: Holder; call: DeskCall } | null => {
    const holder = holderOf(session);
    const call = holder ? calls.get(holder.agentCode) : undefined;
    if (!holder || !call || call.endedAt !== null) return null;
    if (callId !== undefined && callId !== call.callId) return null;
    return { holder, call };
  };

  const desktop = {
    /** Subscribes to the engine's call events (agents hear their own state changes directly); returns the unsubscribe function. */
    attach(): () => void {
      const offs = [
        engine.events.on('call:connected', (e) => {
          onConnected(e).catch((error) => log.warn({ callId: e.callId, err: String(error) }, 'desk call could not be prepared'));
        }),
        engine.events.on('call:connected', (e) => void handlers.set(e.callId, e.agentCode)),
        engine.events.on('call:ended', (e) => {
          handlers.delete(e.callId);
          // Every desk on the call: its first agent, a transfer's target, a conference party.
          for (const code of holdersOfCall(e.callId)) {
            const call = calls.get(code)!;
            call.endedAt ??= e.at;
            call.status = e.status;
            deps.notify(code);
          }
        }),
        engine.events.on('call:control', (e) => onControl(e)),
      ];
      return () => offs.forEach((off) => off());
    },

    /** The agent code this session holds, if any. */
    agentCodeOf: (session: { id: string }) => bySession.get(session.id) ?? null,

    state(session: DeskSession): DeskState {
      const holder = holderOf(session);
      return {
        desk: holder ? { agentCode: holder.agentCode, stationId: holder.stationId } : null,
        agent: holder ? agentStateOf(agentOf(holder.agentCode)) : null,
        call: holder ? deskCall(calls.get(holder.agentCode)) : null,
        ...(holder && deps.dialing ? deps.dialing.view(holder.agentCode) : {}),
        ...(holder && deps.coaching ? { coaching: deps.coaching.coachingOf(holder.agentCode) } : {}),
        serverNow: clock.now(),
      };
    },

    async signIn(session: DeskSession, input: { agentCode?: unknown; stationId?: unknown }, options: { pause?: Pause | null } = {}): Promise<DeskResult> {
      const agentCode = typeof input.agentCode === 'string' && input.agentCode.trim() ? input.agentCode.trim() : session.accountAgentCode;
      const stationId = typeof input.stationId === 'string' && input.stationId.trim() ? input.stationId.trim() : session.accountStationId;
      if (!agentCode || !stationId || !AGENT_CODE.test(agentCode) || !STATION.test(stationId)) return { ok: false, error: 'invalid' };
      if (session.accountAgentCode && session.accountAgentCode !== agentCode) return { ok: false, error: 'agent-code-mismatch' };
      const current = holderOf(session);
      if (current && current.agentCode !== agentCode) return { ok: false, error: 'invalid', message: `sign out of ${current.agentCode} first` };
      const holder = byCode.get(agentCode);
      if (holder && holder.session.id !== session.id) {
        if (holder.session.username !== session.username) return { ok: false, error: 'agent-code-taken' };
        // The same user on another browser: that desktop loses the agent (also after a restart).
        bySession.delete(holder.session.id);
        remember(holder.session, null);
        deps.notify(agentCode);
      } else if (!holder && agentOf(agentCode)?.online && session.accountAgentCode !== agentCode) {
        // Online without a desktop (configured at start, or a simulated agent): only the account
        // tied to this agent code may take it over.
        return { ok: false, error: 'agent-code-in-use' };
      }
      byCode.set(agentCode, { agentCode, stationId, session });
      bySession.set(session.id, agentCode);
      try {
        // A browser phone: the agent is on the floor once that phone registers, not before.
        deps.phone?.beforeSignIn(agentCode);
        const endpoint = deps.phone?.endpointOf(stationId);
        await engine.signInAgent({ agentCode, stationId, ...(endpoint ? { endpoint } : {}) }, undefined, { pause: options.pause ?? null });
      } catch (error) {
        if (deps.phone) {
          // A browser phone registers only once its desk holds the agent: a PBX that could not
          // reach it yet (nailed-up mode calls the phone at sign-in) reaches it when it registers.
          log.info({ agentCode, err: String(error) }, 'browser phone not reachable yet: the agent joins the floor once it registers');
        } else {
          release(agentCode);
          log.warn({ agentCode, err: String(error) }, 'desktop sign-in refused by telephony');
          return { ok: false, error: 'telephony', message: String((error as Error).message ?? error) };
        }
      }
      log.info({ agentCode, stationId, username: session.username, paused: Boolean(options.pause) }, 'agent signed in at the desktop');
      remember(session, { agentCode, stationId, pause: options.pause ?? null });
      deps.notify(agentCode);
      return { ok: true };
    },

    /**
     * The desk of a session that held an agent before a restart reconnected: the agent returns
     * to the floor as it was (paused with its reason, else ready). Agents whose desk does not
     * come back stay off the floor, so no customer is sent to an empty chair.
     */
    async resume(session: DeskSession): Promise<void> {
      const desk = session.desk;
      if (!desk || bySession.has(session.id) || byCode.has(desk.agentCode)) return;
      let pending = resuming.get(session.id);
      if (!pending) {
        pending = desktop
          .signIn(session, { agentCode: desk.agentCode, stationId: desk.stationId }, { pause: desk.pause })
          .then((result) => {
            if (result.ok) log.info({ agentCode: desk.agentCode, username: session.username }, 'desk reconnected after a restart: agent back on the floor');
            else log.warn({ agentCode: desk.agentCode, error: result.error }, 'desk reconnected after a restart but its agent could not return');
          })
          .finally(() => resuming.delete(session.id));
        resuming.set(session.id, pending);
      }
      await pending;
    },

    /** Whether this session may end now (its agent is not in a call or wrap-up). */
    canEnd(session: DeskSession): DeskResult {
      const holder = holderOf(session);
      const state = holder ? agentOf(holder.agentCode)?.shift.state : undefined;
      if (state === 'reserved' || state === 'talking') return refused('in-call');
      if (state === 'wrap-up') return refused('in-wrap-up');
      return { ok: true };
    },

    async signOut(session: DeskSession, options: { force?: boolean } = {}): Promise<DeskResult> {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const answer = await engine.signOutAgent(holder.agentCode, { force: options.force ?? false }).catch((error): ShiftAnswer => {
        log.warn({ agentCode: holder.agentCode, err: String(error) }, 'agent sign-out failed');
        return { ok: true };
      });
      if (!answer.ok && answer.refusal !== 'unknown-agent') return refusedBy(answer.refusal);
      release(holder.agentCode);
      remember(session, null);
      await deps.phone?.signedOut(holder.agentCode);
      log.info({ agentCode: holder.agentCode, username: session.username }, 'agent signed out of the desktop');
      deps.notify(holder.agentCode);
      return { ok: true };
    },

    pause(session: DeskSession, reason: unknown): DeskResult {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const text = typeof reason === 'string' ? reason.trim().slice(0, 100) : '';
      const answer = engine.pauseAgent(holder.agentCode, text || null);
      if (!answer.ok) return refusedBy(answer.refusal);
      remember(session, { agentCode: holder.agentCode, stationId: holder.stationId, pause: { reason: text || null } });
      deps.notify(holder.agentCode);
      return { ok: true };
    },

    ready(session: DeskSession): DeskResult {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const answer = engine.readyAgent(holder.agentCode);
      if (!answer.ok) return refusedBy(answer.refusal);
      const call = calls.get(holder.agentCode);
      if (call?.endedAt !== null && call !== undefined) calls.delete(holder.agentCode);
      remember(session, { agentCode: holder.agentCode, stationId: holder.stationId, pause: null });
      deps.notify(holder.agentCode);
      return { ok: true };
    },

    /** Drops the pause pending after the call; unlike ready, a wrap-up goes on to its end. */
    cancelPauseAfterCall(session: DeskSession): DeskResult {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const answer = engine.cancelPauseAfterCall(holder.agentCode);
      if (!answer.ok) return refusedBy(answer.refusal);
      remember(session, { agentCode: holder.agentCode, stationId: holder.stationId, pause: null });
      deps.notify(holder.agentCode);
      return { ok: true };
    },

    async hangup(session: DeskSession): Promise<DeskResult> {
      const holder = holderOf(session);
      const call = holder ? calls.get(holder.agentCode) : undefined;
      if (!holder || !call || call.endedAt !== null) return { ok: false, error: 'no-call' };
      await engine.hangupCall(call.callId);
      return { ok: true };
    },

    /**
     * A call control of the agent on its call (hold, resume, mute, unmute, DTMF, transfer,
     * complete, cancel, conference): only the agent who has the customer, on the call its desk
     * shows (`callId`, when given, must be that call). Refusals come back with the reason.
     */
    async control(session: DeskSession, callId: unknown, intent: ControlIntent): Promise<DeskResult> {
      const own = controlledCall(session, callId);
      if (!own || !engine.callControl) return refused('no-call');
      const answer = await engine.callControl(own.holder.agentCode, intent);
      if (answer.ok) {
        deps.notify(own.holder.agentCode);
        return { ok: true };
      }
      return { ok: false, error: answer.refusal, message: answer.message };
    },

    /** Whom the agent may transfer its call to: ready agents, supervisors with a phone, outside numbers if allowed. */
    transferTargets(session: DeskSession): DeskTransferTargets | null {
      const own = controlledCall(session, undefined);
      if (!own) return null;
      const agents = engine
        .agents()
        .filter((a) => a.agentCode !== own.holder.agentCode && a.online && a.shift.state === 'ready')
        .map((a) => ({ agentCode: a.agentCode, stationId: a.stationId }))
        .sort((a, b) => a.agentCode.localeCompare(b.agentCode));
      const prefixes = own.call.campaignId > 0 ? (deps.transfers?.numberPrefixes(own.call.campaignId) ?? []) : [];
      return {
        agents,
        supervisors: (deps.transfers?.supervisors() ?? []).map((s) => ({ username: s.username })),
        external: { allowed: prefixes.length > 0, prefixes },
      };
    },

    /** A supervisor's phone, by username (the transfer target picker names supervisors only). */
    supervisorPhone(username: string): { username: string; endpoint: string } | undefined {
      return deps.transfers?.supervisors().find((s) => s.username === username);
    },

    /**
     * Keeps a note with one of the agent's own recent calls (the desk saves as the agent types;
     * a save may land after wrap-up ended, the next call connected, or CCS restarted).
     */
    async note(session: DeskSession, callId: unknown, note: unknown): Promise<DeskResult> {
      const holder = holderOf(session);
      if (!holder || typeof callId !== 'string') return { ok: false, error: 'no-call' };
      if (!(recent.get(holder.agentCode) ?? []).includes(callId)) {
        // Typed while CCS restarted: the attempt itself says whose call it was.
        const attempt = await deps.store.getAttempt(callId).catch(() => undefined);
        const own = attempt?.agentCode === holder.agentCode && (attempt.endedAt === null || clock.now() - attempt.endedAt <= LATE_NOTE_MS);
        if (!own) return { ok: false, error: 'no-call' };
      }
      if (typeof note !== 'string') return { ok: false, error: 'invalid' };
      const text = note.trim().slice(0, MAX_NOTE);
      if (!(await deps.store.setAttemptNote(callId, text))) return { ok: false, error: 'no-call' };
      const call = calls.get(holder.agentCode);
      if (call?.callId === callId) call.note = text;
      return { ok: true };
    },

    /** The session ended (sign-out of the UI, expiry): its agent leaves the floor. */
    async sessionEnded(session: DeskSession): Promise<void> {
      if (bySession.has(session.id)) await desktop.signOut(session, { force: true });
    },

    /** Agent codes held by desktops (for tests and the dashboard). */
    heldCodes: () => [...byCode.keys()],
  };
  return desktop;
}

export type AgentDesktop = ReturnType<typeof createAgentDesktop>;
