/**
 * What the delivery worker needs from the wire: post one callback body to a URL and say
 * whether the CRM took it. The HTTP implementation is `http-sender.ts`; tests and benchmarks
 * hand in their own.
 */

export interface CallbackRequest {
  url: string;
  /** The JSON body exactly as stored in the outbox. */
  body: string;
  /** Sent as the `Idempotency-Key` header (decision 3.9). */
  idempotencyKey: string;
}

export type SendOutcome =
  | { ok: true; status: number }
  /** `reason` is short and fit for logs and the outbox's `last_error`: "HTTP 503", "timeout", "connection refused"… */
  | { ok: false; reason: string; status?: number };

export interface CallbackSender {
  /** Never rejects: every failure is reported as `{ ok: false }`. */
  send(request: CallbackRequest): Promise<SendOutcome>;
  /** Closes idle connections and waits for requests still running. */
  close(): Promise<void>;
}
