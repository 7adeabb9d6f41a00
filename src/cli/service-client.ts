/**
 * HTTP calls from `ccs` to a running CCS. Failures become one line: which URL could not be
 * reached and how to point `ccs` elsewhere, or the service's own message for an HTTP error.
 */
import type { ClientConfig } from '../config/client-config.ts';
import { CliError } from './cli-error.ts';

export interface ServiceClient {
  readonly url: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown, options?: { timeoutMs?: number }): Promise<T>;
}

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

export function unreachableMessage(config: Pick<ClientConfig, 'serviceUrl' | 'serviceUrlFrom'>, reason: string): string {
  const hint = config.serviceUrlFrom === '--url' ? 'check --url' : `the URL came from ${config.serviceUrlFrom}`;
  return `cannot reach CCS at ${config.serviceUrl} (${reason}; ${hint}). Start it with \`npm start\`, or point ccs at it with --url <url>, CCS_URL=<url> or CCS_PORT=<port>.`;
}

/** The service's message in an error body: the contract's `error_msg` (with the first field error), /ops' `error.message`, or Fastify's `message`. */
export function errorMessageOf(status: number, body: unknown): string {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, any>;
  let message: string;
  if (typeof b.error_msg === 'string') {
    const first = Array.isArray(b.errors) ? b.errors[0] : undefined;
    const more = Array.isArray(b.errors) && b.errors.length > 1 ? ` (and ${b.errors.length - 1} more)` : '';
    message = first && typeof first.message === 'string' ? `${b.error_msg} ${first.field ? `${first.field}: ` : ''}${first.message}${more}` : b.error_msg;
  } else if (typeof b.error?.message === 'string') message = b.error.message;
  else if (typeof b.message === 'string') message = b.message;
  else if (typeof body === 'string' && body.trim()) message = body.trim().split('\n')[0]!.slice(0, 200);
  else message = 'no details given';
  const hint = status === 401 ? ' Give the operator token with --token or CCS_OPERATOR_TOKEN (CCS_API_KEY for /api).' : '';
  return `CCS answered ${status}: ${message.replace(/\s+/g, ' ').trim()}${hint}`;
}

export function serviceClient(config: ClientConfig, defaultTimeoutMs = 30_000): ServiceClient {
  const base = config.serviceUrl.replace(/\/+$/, '');
  const request = async <T>(method: string, path: string, body: unknown, timeoutMs: number): Promise<T> => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (config.operatorToken && path.startsWith('/ops/')) headers.authorization = `Bearer ${config.operatorToken}`;
    if (config.apiKey && path.startsWith('/api/')) headers['x-api-key'] = config.apiKey;
    let response: { status: number; text: string };
    try {
      response = await exchange(method, new URL(`${base}${path}`), headers, body === undefined ? undefined : JSON.stringify(body), timeoutMs);
    } catch (error) {
      throw new CliError(unreachableMessage(config, failureReason(error, timeoutMs)));
    }
    let data: unknown = response.text;
    try {
      data = JSON.parse(response.text);
    } catch {
      /* not JSON: keep the text */
    }
    if (response.status < 200 || response.status > 299) throw new CliError(errorMessageOf(response.status, data));
    return data as T;
  };
  return {
    url: base,
    get: (path) => request('GET', path, undefined, defaultTimeoutMs),
    post: (path, body, options) => request('POST', path, body, options?.timeoutMs ?? defaultTimeoutMs),
  };
}

/**
 * One request over node:http(s) rather than fetch: fetch's first use costs more than the rest
 * of `ccs status` put together. No keep-alive, so the process ends as soon as it is done.
 */
async function exchange(method: string, url: URL, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
  const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => req.destroy(Object.assign(new Error('timed out'), { code: 'CCS_CLI_TIMEOUT' })), timeoutMs);
    function fail(error: Error) {
      clearTimeout(timer);
      reject(error);
    }
    req.on('error', fail);
    req.end(body);
  });
}

function failureReason(error: unknown, timeoutMs: number): string {
  const e = error as { code?: string; message?: string };
  if (e?.code === 'CCS_CLI_TIMEOUT') return `no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
  if (e?.code && REASONS[e.code]) return REASONS[e.code]!;
  return e?.message ?? String(error);
}
