/**
 * Wrap-up dispositions and scheduled callbacks in storage (src/store/disposition-repository.ts,
 * SQLite and PostgreSQL, sharing the store's connection). A disposition, the change it makes to
 * its contact, the callback it schedules, the do-not-call entry it adds and the CRM fields it
 * adds to a held update are written in one transaction.
 */
export type ScheduledCallbackState = 'scheduled' | 'dialled' | 'cancelled';

export interface ScheduledCallback {
  /** The attempt it was scheduled from (one callback per attempt). */
  callId: string;
  campaignId: number;
  contactId: number;
  dueAt: number;
  /** The agent it is kept for first; null: anyone. */
  agentCode: string | null;
  /** When a personal callback opens to any agent. */
  personalUntil: number | null;
  createdBy: string;
  createdAt: number;
  note: string | null;
  state: ScheduledCallbackState;
  dialledCallId: string | null;
  dialledAt: number | null;
  /** Read along: the contact's number, and the campaign's state and end (missed callbacks). */
  phoneNumber: string;
  campaignState: string;
  campaignEndsAt: number;
}

export interface DispositionWrite {
  callId: string;
  code: string;
  by: string;
  at: number;
  /** The contact back to pending at `at` (retry, callback); applied only while the campaign runs. */
  reopen: { at: number; reason: string } | null;
  callback: { dueAt: number; agentCode: string | null; personalUntil: number | null; note: string | null } | null;
  dnc: { number: string; source: string } | null;
  /**
   * Adds `disposition` and `note` to the attempt's updateCampaign and releases it, when it is
   * still held for the disposition (not yet due at `at`, due no later than `heldUntil`).
   */
  crmExtra: { heldUntil: number } | null;
}

export type DispositionResult =
  | { outcome: 'saved'; reopened: boolean; updateReleased: boolean }
  /** No ended attempt under that call id. */
  | { outcome: 'unknown' }
  /** The attempt has a disposition already. */
  | { outcome: 'already' }
  /** A callback was asked for but the campaign no longer runs: nothing written. */
  | { outcome: 'campaign-closed' };

export interface CallbackStore {
  recordDisposition(write: DispositionWrite): Promise<DispositionResult>;
  /** Callbacks, soonest first: one agent's (their own and those they made), one campaign's, or all. */
  listScheduledCallbacks(filter: { agentCode?: string; campaignId?: number; limit: number }): Promise<ScheduledCallback[]>;
  /** Scheduled callbacks of a campaign that are due at `now`. */
  dueCallbacks(campaignId: number, now: number): Promise<ScheduledCallback[]>;
  /** When the campaign's earliest scheduled callback is due (null: none scheduled). */
  nextCallbackDueAt(campaignId: number): Promise<number | null>;
  /** How many of a campaign's attempts got each disposition code. */
  dispositionCounts(campaignId: number): Promise<{ code: string; count: number }[]>;
  /** The callback's contact was dialled. */
  markCallbackDialled(callId: string, dialledCallId: string, at: number): Promise<void>;
}
