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
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
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
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (config.operatorToken && path.startsWith('/ops/')) headers.authorization = `Bearer ${config.operatorToken}`;
    if (config.apiKey && path.startsWith('/api/')) headers['x-api-key'] = config.apiKey;
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new CliError(unreachableMessage(config, failureReason(error, timeoutMs)));
    }
    const text = await response.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    if (!response.ok) throw new CliError(errorMessageOf(response.status, data));
    return data as T;
  };
  return {
    url: base,
    get: (path) => request('GET', path, undefined, defaultTimeoutMs),
    post: (path, body, options) => request('POST', path, body, options?.timeoutMs ?? defaultTimeoutMs),
  };
}

function failureReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
  const code = e?.cause?.code;
  if (code && REASONS[code]) return REASONS[code];
  return e?.cause?.message ?? e?.message ?? String(error);
}
