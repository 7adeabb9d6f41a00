/**
 * The storage port. Each method is one transaction: a state change and the callback it causes
 * are written together (decision 3.9), so a crash can never keep one without the other.
 * Implementations: Kysely over SQLite or PostgreSQL (`src/store/`), and an in-memory store
 * for benchmarks that measure the engine without storage. All pass `test/contract/store-conformance`.
 */
import type {
  AttemptRecord,
  AttemptState,
  CampaignCounts,
  CampaignRecord,
  CampaignState,
  ContactRecord,
  ContactState,
  FinishStatus,
} from '../domain/campaign.ts';
import type { ContactRequest } from '../domain/campaign-request.ts';
import type { ContactAfterAttempt } from '../domain/attempt-outcome.ts';
import type { FinishCampaignPayload, UpdateCampaignPayload } from '../domain/callbacks.ts';
import type { ReportedStatus } from '../domain/disposition.ts';

/**
 * The store cannot be reached or cannot write right now (connection lost, database restarting,
 * disk full, read-only): the operation may succeed if tried again later. Adapters translate
 * their own failures into this so callers can answer 503 or retry without knowing the driver.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'CCS_STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError || (error as { code?: unknown } | null)?.code === 'CCS_STORE_UNAVAILABLE';
}

export interface NewCampaign {
  id: number;
  typeId: number | null;
  startsAt: number;
  endsAt: number;
  receivedAt: number;
  contentHash: string;
  extra: Record<string, unknown> | null;
}

export type CreateCampaignResult = { outcome: 'created' } | { outcome: 'exists'; contentHash: string };

export interface NewAttempt {
  callId: string;
  campaignId: number;
  contactId: number;
  attemptNo: number;
  dialNumber: string;
  startedAt: number;
  audit: Record<string, unknown> | null;
}

export interface AttemptProgress {
  state: Exclude<AttemptState, 'dialing' | 'ended' | 'unplaced'>;
  at: number;
  agentCode?: string;
  stationId?: string;
}

export interface AttemptEnd {
  callId: string;
  status: ReportedStatus;
  endedAt: number;
  /** Answer time as finally known (may fill a value the progress events never delivered). */
  answeredAt: number | null;
  agentCode: string | null;
  stationId: string | null;
  cause: string | null;
  recordingKey: string | null;
  contact: ContactAfterAttempt;
  callback: UpdateCampaignPayload;
  /** The update is held until then for the agent's disposition (CRM extra fields); absent: due at once. */
  deliverAfter?: number;
  /** Time the customer spent on hold during the call (report rollup's hold column); absent: none. */
  holdMs?: number;
}

export type CallbackKind = 'update' | 'finish';
export type CallbackState = 'pending' | 'delivered' | 'dead';

export interface CallbackRecord {
  id: number;
  campaignId: number;
  kind: CallbackKind;
  idempotencyKey: string;
  payload: string;
  createdAt: number;
  nextAttemptAt: number;
  attempts: number;
  state: CallbackState;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface OutboxStats {
  pending: number;
  dead: number;
  delivered: number;
  oldestPendingAt: number | null;
}

export type FinishResult =
  | { outcome: 'finished'; callback: FinishCampaignPayload }
  /** Unknown, or finished already. */
  | { outcome: 'already' }
  /** Not finishable yet: attempts still open (or, for `completed`, contacts not final). */
  | { outcome: 'open'; openAttempts: number; openContacts: number };

export interface CampaignStore {
  /** Inserts a campaign and its contacts, or reports the content hash of the one already stored under that id. */
  createCampaign(campaign: NewCampaign, contacts: readonly ContactRequest[]): Promise<CreateCampaignResult>;
  getCampaign(id: number): Promise<CampaignRecord | undefined>;
  listCampaigns(filter: { states?: CampaignState[]; limit: number; offset?: number }): Promise<CampaignRecord[]>;
  countCampaign(id: number): Promise<CampaignCounts>;
  /** scheduled → running. False when the campaign was not scheduled. */
  startCampaign(id: number, at: number): Promise<boolean>;
  /** scheduled|running → stopping with the status it will finish with. False when already stopping/finished. */
  stopCampaign(id: number, status: FinishStatus, at: number): Promise<boolean>;
  /**
   * → finished, writing the finishCampaign callback in the same transaction, with its totals
   * counted from the stored contacts and attempts (decision 3.6). Refused while the campaign
   * has an attempt not yet ended (its updateCampaign must come first, decision 3.9), and for
   * `completed` while a contact is not final.
   */
  finishCampaign(id: number, status: FinishStatus, at: number): Promise<FinishResult>;
}

export interface ContactStore {
  getContact(campaignId: number, contactId: number): Promise<ContactRecord | undefined>;
  listContacts(campaignId: number, filter: { state?: ContactState; limit: number; offset?: number }): Promise<ContactRecord[]>;
  /** Contacts in contact-id order after `afterContactId` (from the first when null): a large campaign read page by page along its key, each page as cheap as the first. */
  listContactsAfter(campaignId: number, afterContactId: number | null, limit: number): Promise<ContactRecord[]>;
  /** Pending contacts whose next attempt is due, oldest due first (then CRM order). */
  dueContacts(campaignId: number, now: number, limit: number): Promise<ContactRecord[]>;
  /** Earliest `nextAttemptAt` among pending contacts, or null when none is pending. */
  nextDueAt(campaignId: number): Promise<number | null>;
  /** Contacts not yet final (pending or dialing). */
  countOpenContacts(campaignId: number): Promise<number>;
  /** Postpones a pending contact with a reason (calling hours, frequency cap…). */
  postponeContact(campaignId: number, contactId: number, until: number, reason: string): Promise<void>;
  /** Makes a contact final without a call (DNC), writing its updateCampaign in the same transaction. */
  finalizeWithoutCall(campaignId: number, contactId: number, outcome: 'dnc', callback: UpdateCampaignPayload, at: number): Promise<boolean>;
  /** `finalizeWithoutCall` for many contacts of one campaign in one transaction; resolves with the ids made final (those still pending), in the order given. */
  finalizeManyWithoutCall(campaignId: number, outcome: 'dnc', contacts: readonly { contactId: number; callback: UpdateCampaignPayload }[], at: number): Promise<number[]>;
}

export interface AttemptStore {
  /** Contact → dialing with attempts+1, and the attempt row, before the leg is placed. */
  beginAttempt(attempt: NewAttempt): Promise<void>;
  /** Moves an attempt forward only; a late or repeated event, or an ended attempt, leaves it unchanged. */
  progressAttempt(callId: string, progress: AttemptProgress): Promise<void>;
  /** Ends the attempt, moves its contact on and writes its updateCampaign, in one transaction. False when already ended. */
  endAttempt(end: AttemptEnd): Promise<boolean>;
  /**
   * A leg that never reached the carrier (placeCall rejected): the attempt row becomes
   * `unplaced` and is kept under `<callId>~unplaced-<at>`, so the next placement of the same
   * attempt can use the call id; its contact goes back to pending with the attempt given back,
   * due at `retryAt`, waiting with `reason`. No callback is written (nothing was called).
   * False, and nothing changes, when the attempt is not `dialing`.
   */
  unplaceAttempt(callId: string, at: number, retryAt: number, reason: string): Promise<boolean>;
  getAttempt(callId: string): Promise<AttemptRecord | undefined>;
  /** Attempts not yet ended (after a crash these are the ones whose outcome is unknown). */
  openAttempts(): Promise<AttemptRecord[]>;
  listAttempts(filter: { campaignId: number; contactId?: number; limit: number; offset?: number }): Promise<AttemptRecord[]>;
  setAttemptNote(callId: string, note: string): Promise<boolean>;
}

export interface OutboxStore {
  /**
   * Claims up to `limit` due callbacks for delivery, leasing them for `leaseMs`. A finish is
   * only claimable once no update of its campaign is still pending (all updates go first).
   */
  claimDueCallbacks(now: number, limit: number, leaseMs: number): Promise<CallbackRecord[]>;
  markDelivered(ids: readonly number[], at: number): Promise<void>;
  markFailed(id: number, error: string, nextAttemptAt: number, dead: boolean): Promise<void>;
  /** Claimed rows a stopping worker did not post: due again at `at` rather than at the end of their lease. */
  releaseCallbacks(ids: readonly number[], at: number): Promise<void>;
  listCallbacks(filter: { state?: CallbackState; campaignId?: number; limit: number; offset?: number }): Promise<CallbackRecord[]>;
  getCallback(id: number): Promise<CallbackRecord | undefined>;
  /** dead → pending, due now, with a fresh maximum age (created_at = now). False when the callback is not dead. */
  replayCallback(id: number, now: number): Promise<boolean>;
  outboxStats(): Promise<OutboxStats>;
  /** Earliest time a pending callback becomes due, or null. */
  nextCallbackDueAt(): Promise<number | null>;
  /**
   * Deletes up to `limit` delivered callbacks delivered before `before`, oldest first, and
   * answers how many went. Pending and dead callbacks are never deleted.
   */
  pruneDeliveredCallbacks(before: number, limit: number): Promise<number>;
}

export interface Store extends CampaignStore, ContactStore, AttemptStore, OutboxStore {
  readonly dialect: 'sqlite' | 'postgres' | 'memory';
  /** Cheap round-trip for readiness. */
  ping(): Promise<void>;
  /** A cheap committed write (a heartbeat row), so readiness notices a store that reads but cannot write. */
  probeWrite(at: number): Promise<void>;
  close(): Promise<void>;
}
