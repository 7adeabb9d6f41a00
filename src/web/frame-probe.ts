/**
 * Asks a CRM page, from the server, whether it may be framed: a HEAD request (GET when HEAD
 * is refused) whose X-Frame-Options and CSP headers are judged by `framingVerdict`. Answers
 * are cached per URL origin and path for a while, since a CRM sends the same headers for every
 * contact page. Any failure gives 'unknown': the desktop then tries a frame and offers a
 * button to open the page in a tab.
 *
 * The URL comes from the CRM's data, so the request is fenced in: only hosts the operator
 * allows (`allowHosts`; when empty, any host whose addresses are all public), the name is
 * resolved once and the connection goes to the address that was checked (a second lookup
 * could rebind it to 127.0.0.1), redirects are followed only on the same origin, only the
 * response headers are read, and the whole check has a short deadline.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Clock } from '../ports/clock.ts';
import { framingVerdict, type Framing } from './framing-rules.ts';
import { classifyAddress } from './public-address.ts';

export type ProbeResult = Framing | 'unknown';

export interface FrameProbe {
  probe(url: string, embedderOrigin: string): Promise<ProbeResult>;
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface FrameProbeOptions {
  clock: Clock;
  /** Deadline of one check, DNS and redirects included. */
  timeoutMs?: number;
  cacheMs?: number;
  /**
   * Hosts that may be asked (`crm.example.com`, `*.example.com`), also on internal addresses;
   * empty (the default): any host whose addresses are all public; `['none']`: no host.
   */
  allowHosts?: readonly string[];
  /** Name resolution (all addresses of a host); tests substitute it. */
  resolve?(host: string): Promise<ResolvedAddress[]>;
}

const MAX_REDIRECTS = 3;
const MAX_HEADER_BYTES = 16 * 1024;

const headerList = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

const systemResolve = async (host: string) => lookup(host, { all: true, verbatim: true });

export function hostAllowed(host: string, allowHosts: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowHosts.some((pattern) => (pattern.startsWith('*.') ? h.endsWith(pattern.slice(1)) : h === pattern));
}

export function createFrameProbe(options: FrameProbeOptions): FrameProbe {
  const timeoutMs = options.timeoutMs ?? 3000;
  const cacheMs = options.cacheMs ?? 10 * 60_000;
  const allowHosts = (options.allowHosts ?? []).map((h) => h.toLowerCase());
  const resolve = options.resolve ?? systemResolve;
  const cache = new Map<string, { at: number; result: Framing }>();

  /** The one address this host may be reached at, or null when it may not be asked. */
  async function checkedAddress(url: URL): Promise<ResolvedAddress | null> {
    if (allowHosts.includes('none')) return null;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const explicit = allowHosts.length > 0;
    if (explicit && !hostAllowed(url.hostname, allowHosts)) return null;
    const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await resolve(host);
    if (addresses.length === 0) return null;
    // Every address must pass, so a name that also points inside is not asked at all.
    const kinds = addresses.map((a) => classifyAddress(a.address));
    if (kinds.some((k) => k === 'never' || (k === 'internal' && !explicit))) return null;
    return addresses[0]!;
  }

  function headersOf(url: URL, target: ResolvedAddress, method: 'HEAD' | 'GET', signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolvePromise, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const hostName = url.hostname.replace(/^\[|\]$/g, '');
      const req = send({
        host: target.address,
        family: target.family,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method,
        headers: { host: url.host, accept: 'text/html', 'user-agent': 'ccs-frame-check/1' },
        // Certificates are checked against the URL's name, not the address connected to.
        ...(url.protocol === 'https:' && !isIP(hostName) ? { servername: hostName } : {}),
        agent: false,
        maxHeaderSize: MAX_HEADER_BYTES,
        signal,
      });
      req.on('response', (response) => {
        // Only the headers matter: the body is never read.
        response.destroy();
        resolvePromise(response);
      });
      req.on('error', reject);
      req.end();
    });
  }

  async function check(start: URL, embedderOrigin: string): Promise<ProbeResult> {
    const signal = AbortSignal.timeout(timeoutMs);
    const aborted = new Promise<null>((resolvePromise) => signal.addEventListener('abort', () => resolvePromise(null), { once: true }));
    const target = await Promise.race([checkedAddress(start), aborted]);
    if (target === null) return 'unknown';
    let url = start;
    let method: 'HEAD' | 'GET' = 'HEAD';
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await headersOf(url, target, method, signal);
      const status = response.statusCode ?? 0;
      if ((status === 405 || status === 501) && method === 'HEAD') {
        method = 'GET';
        hop--;
        continue;
      }
      if (status >= 300 && status < 400 && response.headers.location) {
        const next = new URL(response.headers.location, url);
        // Elsewhere would need its own check; the page's own framing is unknown then.
        if (next.origin !== start.origin) return 'unknown';
        url = next;
        continue;
      }
      if (status >= 300 && status < 400) return 'unknown';
      return framingVerdict({
        framedUrl: url.href,
        embedderOrigin,
        xFrameOptions: headerList(response.headers['x-frame-options']),
        contentSecurityPolicy: headerList(response.headers['content-security-policy']),
      });
    }
    return 'unknown';
  }

  return {
    async probe(url, embedderOrigin) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return 'unknown';
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'unknown';
      if (parsed.username || parsed.password) return 'unknown';
      const key = `${embedderOrigin} ${parsed.origin}${parsed.pathname.replace(/[^/]*$/, '')}`;
      const hit = cache.get(key);
      if (hit && options.clock.now() - hit.at < cacheMs) return hit.result;
      try {
        const result = await check(parsed, embedderOrigin);
        if (result === 'unknown') return result;
        if (cache.size > 1000) cache.clear();
        cache.set(key, { at: options.clock.now(), result });
        return result;
      } catch {
        return 'unknown';
      }
    },
  };
}
