/**
 * The memory store's tables: rows as plain objects, indexed for the engine's hot paths.
 * Each campaign keeps its contacts in CRM order, by id, and — for the pending ones with a next
 * attempt time — in a heap ordered by (nextAttemptAt, seq), together with running counts, so
 * picking due contacts and moving one contact cost O(log n) however large the campaign.
 * JSON fields are kept as text, as the SQL stores keep them: every read hands out a new
 * object, and values round-trip exactly as they would through a database.
 */
import type { AttemptRecord, CampaignRecord, ContactRecord } from '../../domain/campaign.ts';
import type { ReportedStatus } from '../../domain/disposition.ts';
import { fromJson } from '../rows.ts';
import { IndexedHeap } from './indexed-heap.ts';
import { createMemoryOutbox, type MemoryOutbox } from './outbox.ts';

export interface CampaignRow extends Omit<CampaignRecord, 'extra'> {
  extraJson: string | null;
}

export interface ContactRow extends Omit<ContactRecord, 'extra'> {
  extraJson: string | null;
  /** Position in the campaign's due heap, -1 when not in it. */
  duePos: number;
}

export interface AttemptRow extends Omit<AttemptRecord, 'audit'> {
  auditJson: string | null;
}

export interface ContactCounts {
  pending: number;
  dialing: number;
  final: number;
  answered: number;
  dnc: number;
}

export interface CampaignEntry {
  row: CampaignRow;
  /** Every contact, index = seq (CRM order). */
  contacts: ContactRow[];
  byId: Map<number, ContactRow>;
  /** Pending contacts with a next attempt time, earliest first, then CRM order. */
  due: IndexedHeap<ContactRow>;
  counts: ContactCounts;
  /** Attempts in the order they began. */
  attempts: AttemptRow[];
  attemptsByContact: Map<number, AttemptRow[]>;
  attemptsByStatus: Partial<Record<ReportedStatus, number>>;
}

export interface MemoryTables {
  campaigns: Map<number, CampaignEntry>;
  attempts: Map<string, AttemptRow>;
  /** Attempts not yet ended, in the order they began. */
  openAttempts: Map<string, AttemptRow>;
  outbox: MemoryOutbox;
}

export function createTables(): MemoryTables {
  return { campaigns: new Map(), attempts: new Map(), openAttempts: new Map(), outbox: createMemoryOutbox() };
}

const dueBefore = (a: ContactRow, b: ContactRow) =>
  a.nextAttemptAt! < b.nextAttemptAt! || (a.nextAttemptAt === b.nextAttemptAt && a.seq < b.seq);

export function createCampaignEntry(row: CampaignRow): CampaignEntry {
  return {
    row,
    contacts: [],
    byId: new Map(),
    due: new IndexedHeap<ContactRow>(dueBefore, { get: (c) => c.duePos, set: (c, i) => (c.duePos = i) }),
    counts: { pending: 0, dialing: 0, final: 0, answered: 0, dnc: 0 },
    attempts: [],
    attemptsByContact: new Map(),
    attemptsByStatus: {},
  };
}

function tally(counts: ContactCounts, c: ContactRow, delta: number): void {
  counts[c.state] += delta;
  if (c.outcome === 'answered') counts.answered += delta;
  if (c.outcome === 'dnc') counts.dnc += delta;
}

/** Adds a new contact row to its campaign: counted, and in the due heap when it is pending. */
export function addContact(entry: CampaignEntry, c: ContactRow): void {
  entry.contacts.push(c);
  entry.byId.set(c.contactId, c);
  tally(entry.counts, c, 1);
  if (c.state === 'pending' && c.nextAttemptAt !== null) entry.due.push(c);
}

export type ContactChange = Partial<Pick<ContactRow, 'state' | 'outcome' | 'attempts' | 'nextAttemptAt' | 'lastStatus' | 'waitReason'>>;

/** Changes a contact and keeps the campaign's counts and due heap in step with it. */
export function changeContact(entry: CampaignEntry, c: ContactRow, change: ContactChange): void {
  tally(entry.counts, c, -1);
  Object.assign(c, change);
  tally(entry.counts, c, 1);
  if (c.state === 'pending' && c.nextAttemptAt !== null) entry.due.update(c);
  else entry.due.remove(c);
}

export function campaignRecord(r: CampaignRow): CampaignRecord {
  return {
    id: r.id,
    typeId: r.typeId,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    state: r.state,
    finishStatus: r.finishStatus,
    receivedAt: r.receivedAt,
    startedAt: r.startedAt,
    stoppedAt: r.stoppedAt,
    finishedAt: r.finishedAt,
    contactTotal: r.contactTotal,
    contentHash: r.contentHash,
    extra: fromJson(r.extraJson),
  };
}

export function contactRecord(r: ContactRow): ContactRecord {
  return {
    campaignId: r.campaignId,
    contactId: r.contactId,
    seq: r.seq,
    phoneNumber: r.phoneNumber,
    dialNumber: r.dialNumber,
    linkEdit: r.linkEdit,
    state: r.state,
    outcome: r.outcome,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt,
    lastStatus: r.lastStatus,
    waitReason: r.waitReason,
    extra: fromJson(r.extraJson),
  };
}

export function attemptRecord(r: AttemptRow): AttemptRecord {
  return {
    callId: r.callId,
    campaignId: r.campaignId,
    contactId: r.contactId,
    attemptNo: r.attemptNo,
    dialNumber: r.dialNumber,
    state: r.state,
    startedAt: r.startedAt,
    ringingAt: r.ringingAt,
    answeredAt: r.answeredAt,
    connectedAt: r.connectedAt,
    endedAt: r.endedAt,
    agentCode: r.agentCode,
    stationId: r.stationId,
    status: r.status,
    cause: r.cause,
    recordingKey: r.recordingKey,
    note: r.note,
    disposition: r.disposition ?? null,
    dispositionAt: r.dispositionAt ?? null,
    dispositionBy: r.dispositionBy ?? null,
    // The memory store keeps no recording catalog, so nothing is ever deleted.
    recordingDeletedAt: null,
    audit: fromJson(r.auditJson),
  };
}

/** A page of a list, as LIMIT/OFFSET would cut it. */
export function page<T>(rows: readonly T[], limit: number, offset = 0): T[] {
  return rows.slice(Math.max(0, offset), Math.max(0, offset) + Math.max(0, limit));
}
