/**
 * The agent desktop's server side: which browser session holds which agent code, and the call
 * in front of each desktop agent.
 *
 * A session signs in to the floor with an agent code and station (`engine.signInAgent`), which
 * makes it an agent the dialer uses; one code is held by one session at a time (the same user
 * signing in again takes it over). When a customer is connected to a desktop agent, the desk
 * call is built from the live call and the contact (its CRM `linkedit` page, and whether that
 * page can be framed); it moves to ended with the call, the agent writes an optional note
 * during wrap-up (kept with the attempt), and pressing ready clears it. Sign-out, sign-off
 * and session expiry take the agent off the floor.
 */
import type { AccountRole } from '../auth/accounts.ts';
import type { ReportedStatus } from '../domain/disposition.ts';
import type { AgentStatus } from '../engine/agent-pool.ts';
import type { Engine } from '../engine/engine.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
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
}

export interface DeskSession {
  id: string;
  username: string;
  role: AccountRole;
  accountAgentCode: string | null;
  accountStationId: string | null;
  origin: string | null;
}

export interface DeskState {
  desk: { agentCode: string; stationId: string } | null;
  agent: {
    state: 'offline' | 'ready' | 'paused' | 'reserved' | 'talking' | 'wrap-up';
    pauseReason: string | null;
    since: number;
    callsTaken: number;
  } | null;
  call: DeskCall | null;
  serverNow: number;
}

export type DeskError = 'invalid' | 'agent-code-mismatch' | 'agent-code-taken' | 'agent-code-in-use' | 'not-signed-in' | 'in-call' | 'no-call' | 'telephony';
export type DeskResult = { ok: true } | { ok: false; error: DeskError; message?: string };

export interface AgentDesktopDeps {
  engine: Pick<Engine, 'events' | 'agents' | 'liveCalls' | 'signInAgent' | 'signOutAgent' | 'pauseAgent' | 'readyAgent' | 'hangupCall'>;
  store: Pick<Store, 'getContact' | 'setAttemptNote'>;
  clock: Clock;
  logger: Logger;
  probe: FrameProbe;
  /** Origin assumed for framing checks when the session's is unknown. */
  publicOrigin: string;
  /** Tells the agent's open desktops that their state changed. */
  notify(agentCode: string): void;
}

const AGENT_CODE = /^[A-Za-z0-9/_.@-]{1,40}$/;
const STATION = /^[A-Za-z0-9_.@-]{1,20}$/;
const MAX_NOTE = 2000;

interface Holder {
  agentCode: string;
  stationId: string;
  session: DeskSession;
}

export function agentStateOf(a: AgentStatus | undefined): DeskState['agent'] {
  if (!a) return null;
  const state = !a.online ? 'offline' : a.paused ? 'paused' : a.activity === 'idle' ? 'ready' : a.activity;
  return { state, pauseReason: a.pauseReason, since: a.since, callsTaken: a.callsTaken };
}

export function createAgentDesktop(deps: AgentDesktopDeps) {
  const { engine, clock } = deps;
  const log = deps.logger.child({ component: 'agent-desktop' });
  const byCode = new Map<string, Holder>();
  const bySession = new Map<string, string>();
  const calls = new Map<string, DeskCall>();

  const holderOf = (session: DeskSession) => {
    const code = bySession.get(session.id);
    return code ? byCode.get(code) : undefined;
  };
  const agentOf = (code: string) => engine.agents().find((a) => a.agentCode === code);

  const release = (code: string) => {
    const holder = byCode.get(code);
    if (holder) bySession.delete(holder.session.id);
    byCode.delete(code);
    calls.delete(code);
  };

  async function onConnected(e: { callId: string; campaignId: number; contactId: number; agentCode: string; at: number }) {
    const holder = byCode.get(e.agentCode);
    if (!holder) return;
    const live = engine.liveCalls().find((c) => c.callId === e.callId);
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

  const desktop = {
    /** Subscribes to the engine's call events (agents hear their own state changes directly); returns the unsubscribe function. */
    attach(): () => void {
      const offs = [
        engine.events.on('call:connected', (e) => {
          onConnected(e).catch((error) => log.warn({ callId: e.callId, err: String(error) }, 'desk call could not be prepared'));
        }),
        engine.events.on('call:ended', (e) => {
          if (!e.agentCode) return;
          const call = calls.get(e.agentCode);
          if (!call || call.callId !== e.callId) return;
          call.endedAt = e.at;
          call.status = e.status;
          deps.notify(e.agentCode);
        }),
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
        call: holder ? (calls.get(holder.agentCode) ?? null) : null,
        serverNow: clock.now(),
      };
    },

    async signIn(session: DeskSession, input: { agentCode?: unknown; stationId?: unknown }): Promise<DeskResult> {
      const agentCode = typeof input.agentCode === 'string' && input.agentCode.trim() ? input.agentCode.trim() : session.accountAgentCode;
      const stationId = typeof input.stationId === 'string' && input.stationId.trim() ? input.stationId.trim() : session.accountStationId;
      if (!agentCode || !stationId || !AGENT_CODE.test(agentCode) || !STATION.test(stationId)) return { ok: false, error: 'invalid' };
      if (session.accountAgentCode && session.accountAgentCode !== agentCode) return { ok: false, error: 'agent-code-mismatch' };
      const current = holderOf(session);
      if (current && current.agentCode !== agentCode) return { ok: false, error: 'invalid', message: `sign out of ${current.agentCode} first` };
      const holder = byCode.get(agentCode);
      if (holder && holder.session.id !== session.id) {
        if (holder.session.username !== session.username) return { ok: false, error: 'agent-code-taken' };
        // The same user on another browser: that desktop loses the agent.
        bySession.delete(holder.session.id);
        deps.notify(agentCode);
      } else if (!holder && agentOf(agentCode)?.online && session.accountAgentCode !== agentCode) {
        // Online without a desktop (configured at start, or a simulated agent): only the account
        // tied to this agent code may take it over.
        return { ok: false, error: 'agent-code-in-use' };
      }
      byCode.set(agentCode, { agentCode, stationId, session });
      bySession.set(session.id, agentCode);
      try {
        await engine.signInAgent({ agentCode, stationId });
      } catch (error) {
        release(agentCode);
        log.warn({ agentCode, err: String(error) }, 'desktop sign-in refused by telephony');
        return { ok: false, error: 'telephony', message: String((error as Error).message ?? error) };
      }
      log.info({ agentCode, stationId, username: session.username }, 'agent signed in at the desktop');
      deps.notify(agentCode);
      return { ok: true };
    },

    async signOut(session: DeskSession, options: { force?: boolean } = {}): Promise<DeskResult> {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const activity = agentOf(holder.agentCode)?.activity;
      if (!options.force && (activity === 'talking' || activity === 'reserved')) return { ok: false, error: 'in-call' };
      release(holder.agentCode);
      await engine.signOutAgent(holder.agentCode).catch((error) => log.warn({ agentCode: holder.agentCode, err: String(error) }, 'agent sign-out failed'));
      log.info({ agentCode: holder.agentCode, username: session.username }, 'agent signed out of the desktop');
      deps.notify(holder.agentCode);
      return { ok: true };
    },

    pause(session: DeskSession, reason: unknown): DeskResult {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const text = typeof reason === 'string' ? reason.trim().slice(0, 100) : '';
      return engine.pauseAgent(holder.agentCode, text || null) ? { ok: true } : { ok: false, error: 'not-signed-in' };
    },

    ready(session: DeskSession): DeskResult {
      const holder = holderOf(session);
      if (!holder) return { ok: false, error: 'not-signed-in' };
      const call = calls.get(holder.agentCode);
      if (call?.endedAt !== null && call !== undefined) calls.delete(holder.agentCode);
      if (!engine.readyAgent(holder.agentCode)) return { ok: false, error: 'not-signed-in' };
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

    /** Keeps a note with the agent's current or last call. */
    async note(session: DeskSession, callId: unknown, note: unknown): Promise<DeskResult> {
      const holder = holderOf(session);
      const call = holder ? calls.get(holder.agentCode) : undefined;
      if (!holder || !call || call.callId !== callId) return { ok: false, error: 'no-call' };
      if (typeof note !== 'string') return { ok: false, error: 'invalid' };
      const text = note.trim().slice(0, MAX_NOTE);
      if (!(await deps.store.setAttemptNote(call.callId, text))) return { ok: false, error: 'no-call' };
      call.note = text;
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
