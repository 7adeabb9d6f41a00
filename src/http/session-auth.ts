/**
 * The browser side of access control: the session cookie (HttpOnly, SameSite=Strict, Secure
 * and `__Host-` prefixed when the public URL is https), and the checks every state-changing
 * request from a browser passes: its Origin (or Referer) must be this service, and it must
 * carry the session's CSRF token in `X-CSRF-Token`. Role checks sit on top.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountRole } from '../auth/accounts.ts';
import type { Session, SessionStore } from '../auth/session-store.ts';

export const CSRF_HEADER = 'x-csrf-token';

export interface SessionAuth {
  readonly cookieName: string;
  /** The session behind this request's cookie, or null. */
  sessionOf(request: FastifyRequest): Session | null;
  /** The session's role, for the operator API: null unless the session is valid and, for unsafe methods, the request passes the CSRF checks. */
  sessionRole(request: FastifyRequest): AccountRole | null;
  /** True when the request comes from a page of this service (Origin, else Referer). */
  sameOrigin(request: FastifyRequest): boolean;
  /** Origin the request names (Origin header, else the Referer's origin), or null. */
  originOf(request: FastifyRequest): string | null;
  /** preHandler: 401 without a session, 403 for other roles or a failed CSRF check on unsafe methods. */
  require(roles: readonly AccountRole[]): (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  setCookie(reply: FastifyReply, session: Session): void;
  clearCookie(reply: FastifyReply): void;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? '' : part.slice(0, eq).trim();
    if (name && !cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim());
  }
  return cookies;
}

function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createSessionAuth(deps: { sessions: SessionStore; publicUrl: string }): SessionAuth {
  const secure = deps.publicUrl.startsWith('https:');
  const cookieName = secure ? '__Host-ccs_session' : 'ccs_session';
  const publicOrigin = new URL(deps.publicUrl).origin;

  const sessionOf = (request: FastifyRequest) => {
    const id = parseCookies(request.headers.cookie).get(cookieName);
    return id ? (deps.sessions.get(id) ?? null) : null;
  };

  const originOf = (request: FastifyRequest): string | null => {
    const origin = request.headers.origin;
    if (origin && origin !== 'null') return origin;
    const referer = request.headers.referer;
    if (!referer) return null;
    try {
      return new URL(referer).origin;
    } catch {
      return null;
    }
  };

  const sameOrigin = (request: FastifyRequest) => {
    const origin = originOf(request);
    if (origin === null) return false;
    if (origin === publicOrigin) return true;
    const host = request.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}`) && origin.startsWith(`${request.protocol}://`);
  };

  const csrfOk = (request: FastifyRequest, session: Session) => {
    if (SAFE_METHODS.has(request.method)) return true;
    const given = request.headers[CSRF_HEADER];
    return typeof given === 'string' && tokensEqual(given, session.csrfToken) && sameOrigin(request);
  };

  return {
    cookieName,
    sessionOf,
    originOf,
    sameOrigin,
    sessionRole(request) {
      const session = sessionOf(request);
      return session && csrfOk(request, session) ? session.role : null;
    },
    require(roles) {
      return async (request, reply) => {
        const session = sessionOf(request);
        if (!session) return reply.code(401).send({ error: { code: 'unauthorized', message: 'Sign in first.' } });
        if (!csrfOk(request, session)) return reply.code(403).send({ error: { code: 'csrf', message: 'Missing or wrong CSRF token, or a request from another site.' } });
        if (!roles.includes(session.role)) return reply.code(403).send({ error: { code: 'forbidden', message: 'Not allowed for this role.' } });
      };
    },
    setCookie(reply, session) {
      reply.header('Set-Cookie', `${cookieName}=${session.id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
    },
    clearCookie(reply) {
      reply.header('Set-Cookie', `${cookieName}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`);
    },
  };
}
