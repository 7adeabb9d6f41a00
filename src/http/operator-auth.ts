/**
 * Who may use the operator API: a bearer token (`CCS_OPERATOR_TOKEN`), a signed-in supervisor
 * session (when the web UI provides one), or — when no token is configured — command-line
 * clients on the same machine only. Never open to the network by default.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type OperatorRole = 'agent' | 'supervisor' | 'admin';

export interface OperatorAuthDeps {
  token: string | null;
  /** Role of the session behind this request, if the web UI signed one in. */
  sessionRole?(request: FastifyRequest): OperatorRole | null;
}

const isLoopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.');

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function operatorGuard(deps: OperatorAuthDeps, minimum: 'supervisor' | 'admin' = 'supervisor') {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (deps.token !== null && tokenMatches(request.headers.authorization, deps.token)) return;
    const role = deps.sessionRole?.(request) ?? null;
    if (role === 'admin' || (role === 'supervisor' && minimum === 'supervisor')) return;
    // Without a token, the local command line (no browser session) may operate the service.
    if (deps.token === null && isLoopback(request.ip) && role === null && !request.headers.cookie) return;
    return reply.code(role ? 403 : 401).send({ error: { code: role ? 'forbidden' : 'unauthorized', message: role ? 'Not allowed for this role.' : 'Operator credentials required.' } });
  };
}
