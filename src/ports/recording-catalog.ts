/**
 * What the service knows about its recordings beyond the files: which call each belongs to
 * (for search), legal holds, deletions by the retention policy, and the audit trail of every
 * listen, download, deletion and hold change. Implemented over SQLite and PostgreSQL.
 */

export interface RecordingSearch {
  campaignId?: number;
  agentCode?: string;
  /** Digits the dialled number contains. */
  number?: string;
  /** Call start, epoch ms, inclusive lower bound. */
  from?: number;
  /** Call start, epoch ms, exclusive upper bound. */
  to?: number;
  /** Final status reported to the CRM (ANSWERED, BUSY, …). */
  status?: string;
  /** The agent's disposition code (from the wrap-up), when the store records dispositions. */
  disposition?: string;
  includeDeleted?: boolean;
  limit: number;
  offset?: number;
}

export interface RecordingEntry {
  callId: string;
  campaignId: number;
  contactId: number;
  attemptNo: number;
  dialNumber: string;
  agentCode: string | null;
  status: string | null;
  disposition: string | null;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  recordingKey: string;
  deletedAt: number | null;
  /** Held on this call, or on its whole campaign. */
  heldCall: boolean;
  heldCampaign: boolean;
}

export type HoldScope = 'call' | 'campaign';

export interface RecordingHold {
  scope: HoldScope;
  ref: string;
  setBy: string;
  setAt: number;
  reason: string | null;
}

export type RecordingAuditAction = 'listen' | 'download' | 'delete' | 'hold' | 'release';

export interface RecordingAuditEntry {
  id: number;
  at: number;
  /** Who: a user name, "operator-token", "local", "retention", or "link" for a signed link's holder. */
  actor: string;
  action: RecordingAuditAction;
  /** How: "signed-link", "ui", "ops", "retention". */
  via: string;
  callId: string | null;
  campaignId: number | null;
  recordingKey: string | null;
  detail: string | null;
}

export type NewRecordingAudit = Omit<RecordingAuditEntry, 'id'>;

export interface ExpiredQuery {
  /** Campaigns whose type id is one of these; null = any type id not in `excludeTypeIds` (and none). */
  typeIds: readonly number[] | null;
  excludeTypeIds: readonly number[];
  endedBefore: number;
  limit: number;
}

export interface RecordingCatalog {
  search(filter: RecordingSearch): Promise<RecordingEntry[]>;
  get(callId: string): Promise<RecordingEntry | undefined>;
  /** The call a recording key belongs to, with its deletion mark. */
  byKey(key: string): Promise<{ callId: string; campaignId: number; deletedAt: number | null } | undefined>;
  /** Whether the store records agents' dispositions (the search can filter on them). */
  readonly dispositions: boolean;
  setHold(hold: RecordingHold, audit: NewRecordingAudit): Promise<void>;
  /** False when there was no such hold. */
  releaseHold(scope: HoldScope, ref: string, audit: NewRecordingAudit): Promise<boolean>;
  listHolds(): Promise<RecordingHold[]>;
  /** Recordings not deleted, not held, of calls ended before `endedBefore`, oldest first. */
  expired(query: ExpiredQuery): Promise<{ callId: string; campaignId: number; recordingKey: string; endedAt: number }[]>;
  /**
   * Marks a call's recording deleted and writes the audit row, in one transaction. False (and
   * nothing written) when it is deleted already or a hold was set meanwhile.
   */
  markDeleted(callId: string, at: number, audit: NewRecordingAudit): Promise<boolean>;
  audit(entry: NewRecordingAudit): Promise<void>;
  listAudit(filter: { callId?: string; limit: number; offset?: number }): Promise<RecordingAuditEntry[]>;
}
