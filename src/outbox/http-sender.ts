/**
 * Posts callbacks to the CRM with undici. One Agent keeps a pool of keep-alive connections
 * per CRM origin (the update and finish URLs may be on different hosts). Each request sends
 * `Content-Type: application/json`, `Idempotency-Key`, `X-CCS-Signature` when a secret is
 * configured, and `Authorization: Basic` when the URL carries `user:password@`. Any 2xx is a
 * delivery and the response body is discarded; another status, a timeout or a connection
 * error is a failure with a short reason.
 *
 * The request timeout bounds a real socket, so it runs on undici's own timers (connect,
 * response headers, gap between body chunks) rather than on the Clock: a virtual clock that
 * jumps ahead must not abort a request that is still travelling over the loopback. The Clock
 * only supplies the signature's timestamp.
 */
import { Agent } from 'undici';
import type { Clock } from '../ports/clock.ts';
import type { CallbackRequest, CallbackSender, SendOutcome } from './callback-sender.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';

export interface HttpSenderOptions {
  clock: Clock;
  requestTimeoutMs: number;
  hmacSecret: string | null;
  /** Keep-alive connections per CRM origin; match the worker's concurrency. */
  connectionsPerOrigin: number;
  userAgent?: string;
}

/** Response bodies are not read; beyond this much the connection is dropped instead of drained. */
const MAX_DRAINED_BODY = 64 * 1024;

export function createHttpCallbackSender(options: HttpSenderOptions): CallbackSender {
  const timeout = options.requestTimeoutMs;
  const agent = new Agent({
    connections: options.connectionsPerOrigin,
    connectTimeout: timeout,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    keepAliveTimeout: 4_000,
  });
  const userAgent = options.userAgent ?? 'ccs-callbacks/1';

  return {
    async send(request: CallbackRequest): Promise<SendOutcome> {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'idempotency-key': request.idempotencyKey,
        'user-agent': userAgent,
      };
      if (options.hmacSecret !== null) headers[SIGNATURE_HEADER.toLowerCase()] = signatureHeader(request.body, options.hmacSecret, options.clock.now());
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return { ok: false, reason: 'invalid URL' };
      }
      // Credentials in the URL (`https://user:password@crm/…`) travel as HTTP Basic, never in the path.
      if (url.username || url.password) headers.authorization = basicAuthorization(url);
      try {
        const response = await agent.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers,
          body: request.body,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        await response.body.dump({ limit: MAX_DRAINED_BODY }).catch(() => {});
        const status = response.statusCode;
        return status >= 200 && status < 300 ? { ok: true, status } : { ok: false, reason: `HTTP ${status}`, status };
      } catch (error) {
        return { ok: false, reason: describeFailure(error, timeout) };
      }
    },

    async close() {
      await agent.close();
    },
  };
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export function basicAuthorization(url: URL): string {
  const user = decoded(url.username);
  const password = decoded(url.password);
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** A short, stable reason for a failed request. */
export function describeFailure(error: unknown, timeoutMs: number): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  switch (code) {
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `timeout (no response within ${timeoutMs} ms)`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connect timeout (${timeoutMs} ms)`;
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection closed by the CRM';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'CRM host not found';
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return 'sender closed';
    default:
      return `${code ?? 'error'}: ${String(e?.message ?? error)}`.slice(0, 200);
  }
}
