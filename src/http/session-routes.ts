/**
 * Sign-in and sign-out of the web UI: POST /ui/login {username, password} starts a session
 * (a new id every time, so a planted cookie is useless), POST /ui/logout ends it, and
 * GET /ui/session tells the page who is signed in and hands it the session's CSRF token.
 * Sign-in is refused from other sites (Origin check) and throttled after repeated failures.
 */
import type { FastifyInstance } from 'fastify';
import type { AccountDirectory } from '../auth/accounts.ts';
import type { LoginThrottle } from '../auth/login-throttle.ts';
import type { Session, SessionStore } from '../auth/session-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { SessionAuth } from './session-auth.ts';

export interface SessionRouteDeps {
  auth: SessionAuth;
  sessions: SessionStore;
  accounts: AccountDirectory;
  throttle: LoginThrottle;
  logger: Logger;
  timeZone: string;
  /** The demo accounts are in use (the sign-in page shows them). */
  demo: boolean;
  /** The agent code a session holds at the desktop. */
  agentCodeOf(sessionId: string): string | null;
  /** Whether the session may end now (an agent in a call or its wrap-up may not sign out). */
  canEnd?(session: Session): { ok: true } | { ok: false; error: string; message?: string };
}

const MAX_FIELD = 256;

export function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  const { auth } = deps;

  app.post('/ui/login', async (request, reply) => {
    if (!auth.sameOrigin(request)) return reply.code(403).send({ error: { code: 'csrf', message: 'Sign in from this service’s own page.' } });
    const body = (request.body ?? {}) as { username?: unknown; password?: unknown };
    const username = typeof body.username === 'string' ? body.username.slice(0, MAX_FIELD) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, MAX_FIELD) : '';
    if (!username || !password) return reply.code(400).send({ error: { code: 'bad-request', message: 'username and password are required' } });
    const wait = deps.throttle.retryAfter(username, request.ip);
    if (wait > 0) return reply.code(429).header('Retry-After', String(wait)).send({ error: { code: 'throttled', message: `Too many failed sign-ins; try again in ${wait} s.` } });
    const account = await deps.accounts.authenticate(username, password);
    if (!account) {
      deps.throttle.failed(username, request.ip);
      deps.logger.warn({ username, ip: request.ip }, 'failed sign-in');
      return reply.code(401).send({ error: { code: 'bad-credentials', message: 'Wrong username or password.' } });
    }
    deps.throttle.succeeded(username, request.ip);
    const previous = auth.sessionOf(request);
    if (previous) deps.sessions.destroy(previous.id);
    const session = deps.sessions.create(account, auth.originOf(request));
    auth.setCookie(reply, session);
    deps.logger.info({ username: account.username, role: account.role }, 'signed in');
    return { user: { username: account.username, role: account.role, agentCode: account.agentCode, stationId: account.stationId }, csrfToken: session.csrfToken };
  });

  app.post('/ui/logout', { preHandler: auth.require(['agent', 'supervisor', 'admin']) }, async (request, reply) => {
    const session = auth.sessionOf(request);
    const verdict = session ? deps.canEnd?.(session) : undefined;
    if (verdict && !verdict.ok) return reply.code(409).send({ error: { code: verdict.error, message: verdict.message ?? verdict.error } });
    if (session) deps.sessions.destroy(session.id);
    auth.clearCookie(reply);
    return { ok: true };
  });

  app.get('/ui/session', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
    const session = auth.sessionOf(request);
    return {
      user: session
        ? { username: session.username, role: session.role, agentCode: session.accountAgentCode, stationId: session.accountStationId, deskAgentCode: deps.agentCodeOf(session.id) }
        : null,
      csrfToken: session?.csrfToken ?? null,
      timeZone: deps.timeZone,
      demoAccounts: deps.demo,
    };
  });
}
