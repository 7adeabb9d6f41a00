/**
 * Asks a CRM page, from the server, whether it may be framed: a HEAD request (GET when HEAD
 * is refused) whose X-Frame-Options and CSP headers are judged by `framingVerdict`. Answers
 * are cached per URL origin and path for a while, since a CRM sends the same headers for every
 * contact page. Any failure gives 'unknown': the desktop then tries a frame and offers a
 * button to open the page in a tab.
 */
import type { Clock } from '../ports/clock.ts';
import { framingVerdict, type Framing } from './framing-rules.ts';

export type ProbeResult = Framing | 'unknown';

export interface FrameProbe {
  probe(url: string, embedderOrigin: string): Promise<ProbeResult>;
}

export interface FrameProbeOptions {
  clock: Clock;
  timeoutMs?: number;
  cacheMs?: number;
  fetch?: typeof fetch;
}

const headerList = (headers: Headers, name: string) => {
  const value = headers.get(name);
  return value === null ? [] : [value];
};

export function createFrameProbe(options: FrameProbeOptions): FrameProbe {
  const timeoutMs = options.timeoutMs ?? 3000;
  const cacheMs = options.cacheMs ?? 10 * 60_000;
  const doFetch = options.fetch ?? fetch;
  const cache = new Map<string, { at: number; result: Framing }>();

  const request = async (url: string, method: 'HEAD' | 'GET') => {
    const controller = new AbortController();
    const timer = options.clock.setTimer(timeoutMs, () => controller.abort());
    try {
      const response = await doFetch(url, { method, redirect: 'follow', signal: controller.signal, headers: { accept: 'text/html' } });
      await response.body?.cancel().catch(() => undefined);
      return response;
    } finally {
      timer.cancel();
    }
  };

  return {
    async probe(url, embedderOrigin) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return 'unknown';
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'unknown';
      const key = `${embedderOrigin} ${parsed.origin}${parsed.pathname.replace(/[^/]*$/, '')}`;
      const hit = cache.get(key);
      if (hit && options.clock.now() - hit.at < cacheMs) return hit.result;
      try {
        let response = await request(url, 'HEAD');
        if (response.status === 405 || response.status === 501) response = await request(url, 'GET');
        const result = framingVerdict({
          framedUrl: response.url || url,
          embedderOrigin,
          xFrameOptions: headerList(response.headers, 'x-frame-options'),
          contentSecurityPolicy: headerList(response.headers, 'content-security-policy'),
        });
        if (cache.size > 1000) cache.clear();
        cache.set(key, { at: options.clock.now(), result });
        return result;
      } catch {
        return 'unknown';
      }
    },
  };
}
