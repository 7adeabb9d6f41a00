/**
 * The web UI's server side, assembled: accounts and sessions, the agent desktop, live updates,
 * the dashboard's extra data and the static pages. The composition root builds one, passes
 * `sessionRole` to the operator API's guard (so signed-in supervisors can use /ops) and
 * `register` as an HTTP extension.
 *
 * Desktop agents whose browser went away (no live-update stream for `absentAfterMs`) are
 * paused while ready, so the dialer stops sending them customers; sessions that expire sign
 * their agent out of the floor. Sessions are kept in the database (`sessionRecords`) so a
 * restart signs nobody out; an agent returns to the floor when its desk reconnects.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createAccountDirectory, type AccountRole, type AccountsConfig } from '../auth/accounts.ts';
import { createLoginThrottle } from '../auth/login-throttle.ts';
import { createSessionStore, type SessionRecords } from '../auth/session-store.ts';
import type { Engine } from '../engine/engine.ts';
import { registerDesktopRoutes } from '../http/desktop-routes.ts';
import { registerPhoneRoutes, registerSupervisorPhoneRoutes } from '../http/phone-routes.ts';
import { registerDispositionRoutes } from '../http/disposition-routes.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import { createSessionAuth, parseCookies } from '../http/session-auth.ts';
import { registerSessionRoutes } from '../http/session-routes.ts';
import { registerSupervisorRoutes } from '../http/supervisor-routes.ts';
import { registerUiEventsRoute } from '../http/ui-events-route.ts';
import { registerWebRoutes } from '../http/web-routes.ts';
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import { registerAgentDialRoutes } from '../http/agent-dial-routes.ts';
import { createAgentDialing } from './agent-dialing.ts';
import { MANUAL_CALL_PREFIX } from '../engine/manual-dial.ts';
import type { ManualCallLog } from '../ports/manual-calls.ts';
import { agentStateOf, createAgentDesktop } from './agent-desktop.ts';
import type { AgentPhones } from './agent-phone.ts';
import { createCallRateSeries } from './call-rate-series.ts';
import { createFrameProbe, type FrameProbe } from './frame-probe.ts';
import { createUiEventHub } from './ui-event-hub.ts';
import type { CallMonitoring } from '../application/call-monitoring.ts';
import { coaches } from '../domain/monitoring-session.ts';

export interface WebUiDeps {
  accounts: AccountsConfig;
  publicUrl: string;
  timeZone: string;
  engine: Engine;
  store: Store;
  /** Manual calls: the desk's note of a manual call is kept there. */
  manualCalls?: ManualCallLog;
  clock: Clock;
  logger: Logger;
  /** Where the built bundle lives; defaults to dist/web of this checkout. */
  distDir?: string;
  probe?: FrameProbe;
  /** Hosts the framing check may ask (`CCS_FRAME_PROBE_HOSTS`); empty: public addresses only. */
  frameProbeHosts?: readonly string[];
  /** A desktop agent without a live-update stream this long is paused (while ready). */
  absentAfterMs?: number;
  /** Where sessions are kept across restarts (the database); in memory only without. */
  sessionRecords?: SessionRecords;
  /** Scheduled callbacks ("My callbacks", the supervisor's list); none without. */
  callbacks?: CallbackStore;
  /** Supervisors' monitoring: the agent's desk shows when it is coached (whisper, barge), never a listen. */
  coaching?: Pick<CallMonitoring, 'coachingOf' | 'onChange'>;
  /** The phone in the browser (`CCS_WEBRTC_PHONE=browser`); agents use phones the PBX knows without. */
  phones?: AgentPhones | null;
  /** Supervisors' phones in the browser (same setting); monitoring rings them. */
  supervisorPhones?: AgentPhones | null;
}

export interface WebUi {
  sessionRole(request: FastifyRequest): AccountRole | null;
  /** The user name behind a request that `sessionRole` accepts (audit trails), or null. */
  sessionUser(request: FastifyRequest): string | null;
  register(app: FastifyInstance): Promise<void>;
}

export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));
const SWEEP_MS = 15_000;
const SESSION_FLUSH_MS = 3000;

export function createWebUi(deps: WebUiDeps): WebUi {
  const { clock } = deps;
  const logger = deps.logger.child({ component: 'web-ui' });
  const absentAfterMs = deps.absentAfterMs ?? 60_000;
  // A beat every 2 s lets a desk notice within 5 s that the service is gone.
  const hub = createUiEventHub({ events: deps.engine.events, clock, heartbeatMs: 2000 });
  const probe = deps.probe ?? createFrameProbe({ clock, allowHosts: deps.frameProbeHosts ?? [] });
  const dialing = createAgentDialing({
    engine: deps.engine,
    store: deps.store,
    clock,
    logger,
    probe,
    publicOrigin: new URL(deps.publicUrl).origin,
    notify: (agentCode) => hub.desk(agentCode),
  });
  // A manual call has no attempt row: its wrap-up note goes to the manual-call log.
  const manualCalls = deps.manualCalls;
  const deskStore: Store = manualCalls
    ? { ...deps.store, setAttemptNote: (callId, note) => (callId.startsWith(MANUAL_CALL_PREFIX) ? manualCalls.setNote(callId, note) : deps.store.setAttemptNote(callId, note)) }
    : deps.store;
  const desktop = createAgentDesktop({
    engine: deps.engine,
    store: deskStore,
    clock,
    logger,
    probe,
    dialing,
    ...(deps.coaching ? { coaching: deps.coaching } : {}),
    ...(deps.phones ? { phone: deps.phones } : {}),
    publicOrigin: new URL(deps.publicUrl).origin,
    notify: (agentCode) => hub.desk(agentCode),
    // Transfer targets: supervisors with a phone (monitorEndpoint), outside numbers by the campaign's profile.
    transfers: {
      supervisors: () =>
        deps.accounts.list.flatMap((a) => {
          const endpoint = (a as { monitorEndpoint?: string | null }).monitorEndpoint;
          return a.role !== 'agent' && endpoint ? [{ username: a.username, endpoint }] : [];
        }),
      numberPrefixes: (campaignId) => deps.engine.transferNumberPrefixes(campaignId),
    },
    remember: (sessionId, desk) => sessions.setDesk(sessionId, desk),
  });
  const sessions = createSessionStore({
    now: () => clock.now(),
    ...(deps.sessionRecords ? { records: deps.sessionRecords } : {}),
    onWriteError: (error) => logger.warn({ err: String((error as Error)?.message ?? error) }, 'session not read from or written to the database (it goes on in memory)'),
    onEnded(session) {
      hub.closeSession(session.id);
      void desktop.sessionEnded(session);
      // A supervisor's browser phone: its credentials end with the session.
      if (session.role !== 'agent') void deps.supervisorPhones?.signedOut(session.username);
    },
  });
  const auth = createSessionAuth({ sessions, publicUrl: deps.publicUrl });
  const rates = createCallRateSeries({ now: () => clock.now() });
  const lastStreamAt = new Map<string, number>();

  const sweep = () => {
    sessions.sweep();
    const now = clock.now();
    for (const session of sessions.all()) {
      const code = desktop.agentCodeOf(session);
      if (!code) continue;
      if (hub.streamsOf(session.id) > 0 || !lastStreamAt.has(session.id)) {
        lastStreamAt.set(session.id, now);
        continue;
      }
      const agent = agentStateOf(deps.engine.agents().find((a) => a.agentCode === code));
      // A preview offer waiting for a desk that went away is withdrawn by the pause too.
      const idle = agent?.state === 'ready' || (agent?.state === 'reserved' && deps.engine.previewOffer(code) !== undefined);
      if (now - lastStreamAt.get(session.id)! >= absentAfterMs && idle) {
        logger.warn({ agentCode: code, username: session.username }, 'desktop went away: pausing the agent');
        desktop.pause(session, 'desktop-disconnected');
      }
    }
    for (const id of lastStreamAt.keys()) if (!sessions.all().some((s) => s.id === id)) lastStreamAt.delete(id);
  };

  return {
    sessionRole: (request) => auth.sessionRole(request),
    sessionUser: (request) => (auth.sessionRole(request) ? (auth.sessionOf(request)?.username ?? null) : null),

    async register(app) {
      if (deps.accounts.demo) {
        logger.warn('no accounts configured: the demo accounts are active (admin/admin, supervisor/supervisor, agent1/agent1 …); configure "accounts" before real use');
      }
      const offs = [desktop.attach(), dialing.attach(), rates.attach(deps.engine.events)];
      // Only coaching reaches the agent's desk: a change between listening states sends nothing.
      if (deps.coaching) {
        offs.push(
          deps.coaching.onChange((session, previous, formerAgent) => {
            if (!coaches(session.mode) && !coaches(previous.mode)) return;
            hub.desk(session.agentCode);
            if (formerAgent) hub.desk(formerAgent);
          }),
        );
      }
      hub.attach();
      let sweeper: TimerHandle | null = null;
      const arm = () => {
        sweeper = clock.setTimer(SWEEP_MS, () => {
          sweep();
          arm();
        });
      };
      arm();
      // Open event streams would hold the server open: end them first.
      app.addHook('preClose', async () => {
        sweeper?.cancel();
        deps.phones?.close();
        deps.supervisorPhones?.close();
        offs.forEach((off) => off());
        hub.close();
        // Session writes still queued get a moment (a database outage must not hold the stop).
        // A real timer on purpose: the wait is for real I/O, and a virtual clock that nobody
        // advances any more (tests stopping a service) would otherwise hold the stop forever.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, SESSION_FLUSH_MS);
          void sessions.flush().then(
            () => (clearTimeout(timer), resolve()),
            () => (clearTimeout(timer), resolve()),
          );
        });
      });
      // A session this process has not seen yet (signed in before a restart) is read back first.
      app.addHook('onRequest', async (request) => {
        const id = parseCookies(request.headers.cookie).get(auth.cookieName);
        if (id) await sessions.warm(id);
      });

      registerSessionRoutes(app, {
        auth,
        sessions,
        accounts: createAccountDirectory(deps.accounts.list),
        throttle: createLoginThrottle({ now: () => clock.now() }),
        logger,
        timeZone: deps.timeZone,
        demo: deps.accounts.demo,
        agentCodeOf: (id) => desktop.agentCodeOf({ id }),
        canEnd: (session) => desktop.canEnd(session),
      });
      registerDesktopRoutes(app, { auth, desktop });
      registerPhoneRoutes(app, { auth, desktop, phones: deps.phones ?? null });
      registerSupervisorPhoneRoutes(app, {
        auth,
        phones: deps.supervisorPhones ?? null,
        phoneOf: (username) => {
          const account = deps.accounts.list.find((a) => a.username.toLowerCase() === username.toLowerCase());
          if (account?.monitorEndpoint) return { deskPhone: account.monitorEndpoint };
          return account?.stationId ? { station: account.stationId } : null;
        },
      });
      registerAgentDialRoutes(app, { auth, desktop, dialing, dispositions: deps.engine.dispositions });
      registerUiEventsRoute(app, { auth, hub, agentCodeOf: (id) => desktop.agentCodeOf({ id }), connected: (session) => desktop.resume(session) });
      registerSupervisorRoutes(app, { auth, rates, deskAgents: () => desktop.heldCodes() });
      registerDispositionRoutes(app, {
        auth,
        dispositions: deps.engine.dispositions,
        engine: deps.engine,
        callbacks: deps.callbacks,
        store: deps.store,
        clock,
        timeZone: deps.timeZone,
        agentCodeOf: (session) => desktop.agentCodeOf(session),
        deskState: (session) => desktop.state(session),
      });
      registerWebRoutes(app, { auth, distDir: deps.distDir ?? DEFAULT_DIST_DIR, connectSources: deps.phones?.connectSource ? [deps.phones.connectSource] : [] });
    },
  };
}
