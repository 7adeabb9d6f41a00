/**
 * Settings of CRM callback delivery: where the two callbacks go, how long one request may
 * take, how long a callback is retried before it is kept as dead, the back-off between
 * attempts, the optional signing secret, and the worker's batch and concurrency sizes.
 * `resolveDeliveryConfig` fills defaults, checks every value (naming the setting that is
 * wrong) and returns a frozen object; the configuration loader maps the environment onto it.
 */

export interface BackoffConfig {
  /** Delay before the second attempt; doubles with each further failure. */
  baseMs: number;
  /** Ceiling of the delay. */
  maxMs: number;
  /** Share of the delay that is randomised: 0 none, 0.5 "equal jitter", 1 "full jitter". */
  jitter: number;
}

export interface DeliveryConfig {
  /** Full URL of `updateCampaign`; null: update callbacks wait in the outbox. */
  updateUrl: string | null;
  /** Full URL of `finishCampaign`; null: finish callbacks wait in the outbox. */
  finishUrl: string | null;
  /** Longest wait for a connection, the response headers, or between body chunks. */
  requestTimeoutMs: number;
  /** How long after it was written a callback is still retried; after that a failure makes it dead. */
  maxAgeMs: number;
  backoff: BackoffConfig;
  /** When set, every request carries an `X-CCS-Signature` header (see signature.ts). */
  hmacSecret: string | null;
  /** Requests in flight at once (also the keep-alive connections per CRM origin). */
  concurrency: number;
  /** Callbacks claimed from the store at a time. */
  batchSize: number;
  /** How long a claimed callback is reserved for this worker; after a crash it is due again once this runs out. */
  leaseMs: number;
  /** Longest sleep between two looks at the outbox when nothing is due sooner. */
  pollIntervalMs: number;
}

export type DeliveryConfigInput = Partial<Omit<DeliveryConfig, 'backoff'>> & { backoff?: Partial<BackoffConfig> };

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_DELIVERY_CONFIG: DeliveryConfig = Object.freeze({
  updateUrl: null,
  finishUrl: null,
  requestTimeoutMs: 10_000,
  maxAgeMs: 7 * DAY_MS,
  backoff: Object.freeze({ baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.5 }),
  hmacSecret: null,
  concurrency: 64,
  batchSize: 500,
  leaseMs: 60_000,
  pollIntervalMs: 1_000,
});

/** The two callback URLs under a CRM base URL (`<CCS_CRM_URL>/api/updateCampaign`, `/api/finishCampaign`). */
export function crmCallbackUrls(baseUrl: string | null): { updateUrl: string | null; finishUrl: string | null } {
  if (baseUrl === null || baseUrl.trim() === '') return { updateUrl: null, finishUrl: null };
  const base = baseUrl.trim().replace(/\/+$/, '');
  return { updateUrl: `${base}/api/updateCampaign`, finishUrl: `${base}/api/finishCampaign` };
}

export class DeliveryConfigError extends Error {
  readonly code = 'INVALID_DELIVERY_CONFIG';
  constructor(readonly setting: string, message: string) {
    super(`${setting}: ${message}`);
    this.name = 'DeliveryConfigError';
  }
}

function checkUrl(setting: string, value: string | null): string | null {
  if (value === null) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DeliveryConfigError(setting, `not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DeliveryConfigError(setting, 'must be an http:// or https:// URL');
  return value;
}

function checkInteger(setting: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new DeliveryConfigError(setting, `must be an integer ≥ ${min}, got ${value}`);
  return value;
}

export function resolveDeliveryConfig(input: DeliveryConfigInput = {}): DeliveryConfig {
  const d = DEFAULT_DELIVERY_CONFIG;
  const backoff = { ...d.backoff, ...input.backoff };
  const config: DeliveryConfig = {
    updateUrl: checkUrl('updateUrl', input.updateUrl ?? d.updateUrl),
    finishUrl: checkUrl('finishUrl', input.finishUrl ?? d.finishUrl),
    requestTimeoutMs: checkInteger('requestTimeoutMs', input.requestTimeoutMs ?? d.requestTimeoutMs, 1),
    maxAgeMs: checkInteger('maxAgeMs', input.maxAgeMs ?? d.maxAgeMs, 0),
    backoff: Object.freeze({
      baseMs: checkInteger('backoff.baseMs', backoff.baseMs, 1),
      maxMs: checkInteger('backoff.maxMs', backoff.maxMs, 1),
      jitter: backoff.jitter,
    }),
    hmacSecret: input.hmacSecret === undefined || input.hmacSecret === '' ? d.hmacSecret : input.hmacSecret,
    concurrency: checkInteger('concurrency', input.concurrency ?? d.concurrency, 1),
    batchSize: checkInteger('batchSize', input.batchSize ?? d.batchSize, 1),
    leaseMs: checkInteger('leaseMs', input.leaseMs ?? d.leaseMs, 1),
    pollIntervalMs: checkInteger('pollIntervalMs', input.pollIntervalMs ?? d.pollIntervalMs, 1),
  };
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) throw new DeliveryConfigError('backoff.jitter', `must be between 0 and 1, got ${backoff.jitter}`);
  if (config.backoff.maxMs < config.backoff.baseMs) throw new DeliveryConfigError('backoff.maxMs', 'must not be below backoff.baseMs');
  // A lease that ran out mid-request would let a second claim deliver the same callback again.
  if (config.leaseMs < 2 * config.requestTimeoutMs) throw new DeliveryConfigError('leaseMs', `must be at least twice requestTimeoutMs (${config.requestTimeoutMs})`);
  return Object.freeze(config);
}
