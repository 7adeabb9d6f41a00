/** Builders for the store conformance suite: campaigns, contacts, calls and their callbacks. */
import type { Store, AttemptEnd, NewAttempt, NewCampaign } from '../../../src/ports/store.ts';
import type { ContactRequest } from '../../../src/domain/campaign-request.ts';
import type { ContactAfterAttempt } from '../../../src/domain/attempt-outcome.ts';
import type { ReportedStatus } from '../../../src/domain/disposition.ts';
import {
  attemptCallId,
  dncUpdatePayload,
  updateCampaignPayload,
  type FinishCampaignPayload,
  type UpdateCampaignPayload,
} from '../../../src/domain/callbacks.ts';

export const TZ = 'Asia/Ho_Chi_Minh';
/** 2025-06-02 08:00:00 in Ho Chi Minh City. */
export const T0 = Date.UTC(2025, 5, 2, 1, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export function newCampaign(id: number, over: Partial<NewCampaign> = {}): NewCampaign {
  return {
    id,
    typeId: 1,
    startsAt: T0,
    endsAt: T0 + 8 * HOUR,
    receivedAt: T0 - HOUR,
    contentHash: `hash-${id}`,
    extra: null,
    ...over,
  };
}

export function contact(contactId: number, extra: Record<string, unknown> | null = null): ContactRequest {
  const local = String(900_000_000 + contactId).padStart(9, '0');
  return { contactId, phoneNumber: `0${local}`, dialNumber: `+84${local}`, linkEdit: `https://crm.example/c/${contactId}`, extra };
}

/** Contacts with the given ids, in that (CRM) order. */
export const contacts = (...ids: number[]): ContactRequest[] => ids.map((id) => contact(id));

/** `n` contacts with ids start, start+1, … */
export function manyContacts(n: number, start = 1): ContactRequest[] {
  return Array.from({ length: n }, (_, i) => contact(start + i));
}

export async function createRunning(store: Store, id: number, list: ContactRequest[], over: Partial<NewCampaign> = {}): Promise<void> {
  const r = await store.createCampaign(newCampaign(id, over), list);
  if (r.outcome !== 'created') throw new Error(`campaign ${id} already exists`);
  await store.startCampaign(id, over.startsAt ?? T0);
}

export function newAttempt(campaignId: number, contactId: number, attemptNo: number, startedAt: number): NewAttempt {
  return {
    callId: attemptCallId(campaignId, contactId, attemptNo),
    campaignId,
    contactId,
    attemptNo,
    dialNumber: contact(contactId).dialNumber,
    startedAt,
    audit: { trunk: 'sim', rule: 'default' },
  };
}

/** Begins attempt `attemptNo` of a contact and returns its call id. */
export async function dial(store: Store, campaignId: number, contactId: number, attemptNo: number, at: number): Promise<string> {
  const a = newAttempt(campaignId, contactId, attemptNo, at);
  await store.beginAttempt(a);
  return a.callId;
}

export const answered: ContactAfterAttempt = { state: 'final', outcome: 'answered', nextAttemptAt: null, waitReason: null };
export const exhausted: ContactAfterAttempt = { state: 'final', outcome: 'exhausted', nextAttemptAt: null, waitReason: null };
export const retryAt = (at: number): ContactAfterAttempt => ({ state: 'pending', outcome: null, nextAttemptAt: at, waitReason: 'retry-delay' });

export function updateFor(campaignId: number, contactId: number, callId: string, status: ReportedStatus, startedAt: number, endedAt: number): UpdateCampaignPayload {
  const c = contact(contactId);
  return updateCampaignPayload(
    { campaignId, contactId, phoneNumber: c.phoneNumber },
    { callId, status, startedAt, answeredAt: status === 'ANSWERED' ? startedAt + 5 * SECOND : null, endedAt, agentCode: 'A01', stationId: '101' },
    status === 'ANSWERED' ? `https://ccs.example/rec/${callId}` : null,
    TZ,
  );
}

export function attemptEnd(
  campaignId: number,
  contactId: number,
  callId: string,
  status: ReportedStatus,
  startedAt: number,
  endedAt: number,
  after: ContactAfterAttempt,
): AttemptEnd {
  const talked = status === 'ANSWERED';
  return {
    callId,
    status,
    endedAt,
    answeredAt: talked ? startedAt + 5 * SECOND : null,
    agentCode: talked ? 'A01' : null,
    stationId: talked ? '101' : null,
    cause: talked ? 'normal' : 'no-answer',
    recordingKey: talked ? `rec/${callId}.wav` : null,
    contact: after,
    callback: updateFor(campaignId, contactId, callId, status, startedAt, endedAt),
  };
}

/** One whole call: begin, then end with `status` 30 s later, moving the contact as `after` says. */
export async function call(
  store: Store,
  campaignId: number,
  contactId: number,
  attemptNo: number,
  at: number,
  status: ReportedStatus,
  after: ContactAfterAttempt,
): Promise<string> {
  const callId = await dial(store, campaignId, contactId, attemptNo, at);
  const ended = await store.endAttempt(attemptEnd(campaignId, contactId, callId, status, at, at + 30 * SECOND, after));
  if (!ended) throw new Error(`call ${callId} was already ended`);
  return callId;
}

export function dncFor(campaignId: number, contactId: number, at: number): UpdateCampaignPayload {
  return dncUpdatePayload({ campaignId, contactId, phoneNumber: contact(contactId).phoneNumber }, at, TZ);
}

export function finishFor(campaignId: number, status: FinishCampaignPayload['status'], total: number, success: number): FinishCampaignPayload {
  return { campaignid: campaignId, status, contact_total: total, contact_success: success };
}

/** Writes one update callback at `at` (a DNC decision: the cheapest state change that writes one). */
export async function writeUpdate(store: Store, campaignId: number, contactId: number, at: number): Promise<void> {
  const ok = await store.finalizeWithoutCall(campaignId, contactId, 'dnc', dncFor(campaignId, contactId, at), at);
  if (!ok) throw new Error(`contact ${campaignId}/${contactId} is not pending`);
}

export const ids = (rows: readonly { contactId: number }[]) => rows.map((r) => r.contactId);
