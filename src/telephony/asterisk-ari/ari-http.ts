/**
 * The ARI REST client: JSON over HTTP with Basic auth (undici pool), every request bounded
 * by a Clock timer. Error answers become an `AriError` with a stable `kind`, as Asterisk
 * sends them (captured in the fixtures): 400 invalid request or unknown channel in a bridge,
 * 401 wrong credentials, 404 unknown channel/bridge/recording, 409 duplicate id, 422
 * unsupported format, 500 allocation failure (body key `error`, not `message`) or failed
 * recording. Unreachable servers and timeouts are kinds of their own.
 */
import { Pool } from 'undici';
import type { Clock } from '../../ports/clock.ts';

export type AriErrorKind =
  | 'invalid' // 400
  | 'unauthorized' // 401, 403
  | 'not-found' // 404
  | 'conflict' // 409
  | 'unprocessable' // 422
  | 'server-error' // 500 and other 5xx
  | 'unreachable' // no connection, connection lost
  | 'timeout'
  | 'unexpected'; // any other status

export class AriError extends Error {
  constructor(
    readonly kind: AriErrorKind,
    readonly status: number | null,
    /** Asterisk's own words (`message` or `error` of the body), or the network error. */
    readonly detail: string,
    readonly request: string,
  ) {
    super(`ARI ${request}: ${status === null ? kind : status} ${detail}`.trim());
    this.name = 'AriError';
  }
}

export const isAriError = (error: unknown, ...kinds: AriErrorKind[]): error is AriError =>
  error instanceof AriError && (kinds.length === 0 || kinds.includes(error.kind));

const KIND_BY_STATUS: Record<number, AriErrorKind> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'unauthorized',
  404: 'not-found',
  409: 'conflict',
  422: 'unprocessable',
};

export type Query = Record<string, string | number | boolean | undefined>;

export interface AriFile {
  contentType: string;
  body: AsyncIterable<Uint8Array>;
}

export interface AriHttpOptions {
  url: string;
  user: string;
  password: string;
  timeoutMs: number;
  clock: Clock;
}

export class AriHttp {
  private readonly pool: Pool;
  private readonly base: string;
  private readonly auth: string;

  constructor(private readonly options: AriHttpOptions) {
    const url = new URL(options.url);
    this.pool = new Pool(url.origin, { connections: 16, keepAliveTimeout: 10_000 });
    this.base = `${url.pathname.replace(/\/+$/, '')}/ari`;
    this.auth = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.json<T>('GET', path, query);
  }

  post<T = unknown>(path: string, query?: Query, body?: unknown): Promise<T> {
    return this.json<T>('POST', path, query, body);
  }

  put<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.json<T>('PUT', path, undefined, body);
  }

  delete(path: string, query?: Query): Promise<unknown> {
    return this.json('DELETE', path, query);
  }

  /** Streams a binary resource (a stored recording); `signal` bounds the whole download. */
  async file(path: string, signal: AbortSignal): Promise<AriFile> {
    const request = `GET ${path}`;
    const res = await this.send('GET', path, undefined, undefined, request, signal);
    if (res.statusCode !== 200) throw await errorOf(res.statusCode, res.body, request);
    const contentType = String(res.headers['content-type'] ?? 'application/octet-stream');
    return { contentType, body: res.body };
  }

  async close(): Promise<void> {
    await this.pool.destroy().catch(() => {});
  }

  private async json<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, query?: Query, body?: unknown): Promise<T> {
    const request = `${method} ${path}`;
    const controller = new AbortController();
    const timer = this.options.clock.setTimer(this.options.timeoutMs, () => controller.abort());
    try {
      const res = await this.send(method, path, query, body, request, controller.signal);
      if (res.statusCode >= 300) throw await errorOf(res.statusCode, res.body, request);
      const text = await res.body.text();
      return (text === '' ? undefined : JSON.parse(text)) as T;
    } catch (error) {
      if (controller.signal.aborted) {
        throw new AriError('timeout', null, `no answer within ${this.options.timeoutMs} ms`, request);
      }
      throw error;
    } finally {
      timer.cancel();
    }
  }

  private async send(method: string, path: string, query: Query | undefined, body: unknown, request: string, signal: AbortSignal) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(key, String(value));
    const qs = search.toString();
    try {
      return await this.pool.request({
        path: `${this.base}${path}${qs ? `?${qs}` : ''}`,
        method: method as 'GET',
        headers: {
          authorization: this.auth,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw new AriError('timeout', null, 'request aborted', request);
      throw new AriError('unreachable', null, error instanceof Error ? error.message : String(error), request);
    }
  }
}

async function errorOf(status: number, body: { text(): Promise<string> }, request: string): Promise<AriError> {
  let detail = '';
  try {
    const text = await body.text();
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
      detail = String(parsed.message ?? parsed.error ?? text);
    } catch {
      detail = text.slice(0, 200);
    }
  } catch {
    detail = '';
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'server-error' : 'unexpected');
  return new AriError(kind, status, detail, request);
}
