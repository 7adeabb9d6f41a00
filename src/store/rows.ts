/** Row ⇄ record mapping shared by the SQL repositories. */
import type { Selectable } from 'kysely';
import type { AttemptRecord, CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import type { CallbackRecord } from '../ports/store.ts';
import type { AttemptsTable, CampaignsTable, ContactsTable, OutboxTable } from './schema.ts';

export const toJson = (value: Record<string, unknown> | null | undefined): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);
export const fromJson = (text: string | null): Record<string, unknown> | null => (text === null ? null : JSON.parse(text));

export function campaignFromRow(r: CampaignsTable): CampaignRecord {
  return {
    id: r.id,
    typeId: r.type_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    state: r.state as CampaignRecord['state'],
    finishStatus: r.finish_status as CampaignRecord['finishStatus'],
    receivedAt: r.received_at,
    startedAt: r.started_at,
    stoppedAt: r.stopped_at,
    finishedAt: r.finished_at,
    contactTotal: r.contact_total,
    contentHash: r.content_hash,
    extra: fromJson(r.extra),
  };
}

export function contactFromRow(r: ContactsTable): ContactRecord {
  return {
    campaignId: r.campaign_id,
    contactId: r.contact_id,
    seq: r.seq,
    phoneNumber: r.phone_number,
    dialNumber: r.dial_number,
    linkEdit: r.link_edit,
    state: r.state as ContactRecord['state'],
    outcome: r.outcome as ContactRecord['outcome'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status as ContactRecord['lastStatus'],
    waitReason: r.wait_reason,
    extra: fromJson(r.extra),
  };
}

export function attemptFromRow(r: Selectable<AttemptsTable>): AttemptRecord {
  return {
    callId: r.call_id,
    campaignId: r.campaign_id,
    contactId: r.contact_id,
    attemptNo: r.attempt_no,
    dialNumber: r.dial_number,
    state: r.state as AttemptRecord['state'],
    startedAt: r.started_at,
    ringingAt: r.ringing_at,
    answeredAt: r.answered_at,
    connectedAt: r.connected_at,
    endedAt: r.ended_at,
    agentCode: r.agent_code,
    stationId: r.station_id,
    status: r.status as AttemptRecord['status'],
    cause: r.cause,
    recordingKey: r.recording_key,
    note: r.note,
    audit: fromJson(r.audit),
    disposition: r.disposition ?? null,
    dispositionAt: r.disposition_at === null || r.disposition_at === undefined ? null : Number(r.disposition_at),
    dispositionBy: r.disposition_by ?? null,
    recordingDeletedAt: deletedAt(r),
  };
}

/** `attempts.recording_deleted_at` (migration 008) is typed by the recording catalog, not here. */
function deletedAt(r: object): number | null {
  const v = (r as { recording_deleted_at?: number | string | null }).recording_deleted_at;
  return v === null || v === undefined ? null : Number(v);
}

export function callbackFromRow(r: Omit<OutboxTable, 'id'> & { id: number }): CallbackRecord {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    kind: r.kind as CallbackRecord['kind'],
    idempotencyKey: r.idempotency_key,
    payload: r.payload,
    createdAt: r.created_at,
    nextAttemptAt: r.next_attempt_at,
    attempts: r.attempts,
    state: r.state as CallbackRecord['state'],
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
  };
}

/** Where an unplaced attempt row is kept, freeing its call id for the next placement. */
export const unplacedCallId = (callId: string, at: number): string => `${callId}~unplaced-${at}`;
