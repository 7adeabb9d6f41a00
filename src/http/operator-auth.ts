/**
 * Who may use the operator API: a bearer token (`CCS_OPERATOR_TOKEN`), a signed-in supervisor
 * session (when the web UI provides one), or — when no token is configured — command-line
 * clients on the same machine only. Never open to the network by default.
 *
 * "Command-line client on the same machine" is judged strictly, because a browser on that
 * machine is also on the loopback: the request must come from a loopback address, carry no
 * cookie, no `Origin` other than a loopback address of this service, no `Sec-Fetch-Site`
 * other than `same-origin` or `none` (browsers send `cross-site`/`same-site` for other pages'
 * requests), no proxy headers (`Forwarded`, `X-Forwarded-For`, `X-Real-IP`: a proxy on the
 * same host makes every request loopback), and a `Host` naming the loopback or the `CCS_HOST`
 * address (a page that rebinds its DNS name to 127.0.0.1 still sends its own name; a proxy
 * that passes the public name through is not local either). `CCS_OPERATOR_LOCAL=false` turns
 * this trust off altogether, e.g. behind a reverse proxy.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type OperatorRole = 'agent' | 'supervisor' | 'admin';

/** Which requests count as the local command line when no token is configured. */
export interface LocalOperatorTrust {
  /** Off: without a token only signed-in sessions may operate (`CCS_OPERATOR_LOCAL=false`). */
  enabled: boolean;
  /** Host names (lower case, no port) a local request may name besides the loopback names. */
  hostNames: readonly string[];
}

export interface OperatorAuthDeps {
  token: string | null;
  /** Role of the session behind this request, if the web UI signed one in. */
  sessionRole?(request: FastifyRequest): OperatorRole | null;
  /** User name of that session (for audit trails), or null. */
  sessionUser?(request: FastifyRequest): string | null;
  /** Defaults to enabled for the loopback names only. */
  local?: LocalOperatorTrust;
}

const isLoopback = (ip: string) => ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.');
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** The host name of a `Host` header, lower case and without its port. */
export function hostNameOf(host: string | undefined): string | null {
  if (!host) return null;
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.includes(']') ? h.slice(0, h.indexOf(']') + 1) : null;
  return h.replace(/:\d*$/, '').replace(/\.$/, '') || null;
}

/**
 * The trust given to local command-line clients of a service bound to `bindHost`. The public
 * URL's name is deliberately not trusted: requests naming it come through a proxy or a browser.
 */
export function localOperatorTrust(options: { enabled: boolean; bindHost?: string }): LocalOperatorTrust {
  const names: string[] = [];
  const bind = options.bindHost?.toLowerCase();
  if (bind && bind !== '0.0.0.0' && bind !== '::' && bind !== '[::]') names.push(bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind);
  return { enabled: options.enabled, hostNames: names };
}

function isLocalCommandLine(request: FastifyRequest, trust: LocalOperatorTrust): boolean {
  if (!trust.enabled || !isLoopback(request.ip)) return false;
  const headers = request.headers;
  if (headers.cookie) return false;
  if (PROXY_HEADERS.some((name) => headers[name] !== undefined)) return false;
  const host = hostNameOf(headers.host);
  const isOwnName = (name: string) => LOOPBACK_NAMES.has(name) || name.startsWith('127.') || trust.hostNames.includes(name);
  if (host === null || !isOwnName(host)) return false;
  const fetchSite = headers['sec-fetch-site'];
  if (fetchSite !== undefined && fetchSite !== 'same-origin' && fetchSite !== 'none') return false;
  // A page of this service opened at a loopback address may name itself; any other Origin is another site.
  const origin = headers.origin;
  if (origin !== undefined) {
    let named: URL;
    try {
      named = new URL(origin);
    } catch {
      return false;
    }
    const hostPort = /:(\d+)$/.exec(headers.host ?? '')?.[1] ?? '';
    if (!isOwnName(named.hostname.toLowerCase()) || named.port !== hostPort) return false;
  }
  return true;
}

export function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const DEFAULT_TRUST: LocalOperatorTrust = { enabled: true, hostNames: [] };

export function operatorGuard(deps: OperatorAuthDeps, minimum: 'supervisor' | 'admin' = 'supervisor') {
  const trust = deps.local ?? DEFAULT_TRUST;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (deps.token !== null && tokenMatches(request.headers.authorization, deps.token)) return;
    const role = deps.sessionRole?.(request) ?? null;
    if (role === 'admin' || (role === 'supervisor' && minimum === 'supervisor')) return;
    // Without a token, the local command line (no browser, no proxy) may operate the service.
    if (deps.token === null && role === null && isLocalCommandLine(request, trust)) return;
    return reply.code(role ? 403 : 401).send({ error: { code: role ? 'forbidden' : 'unauthorized', message: role ? 'Not allowed for this role.' : 'Operator credentials required.' } });
  };
}
