/**
 * The two CRM callbacks (spec 2.1, 2.2) built from CCS records, with decision 3.7's null
 * rules and CDR timing: instants are cut to whole seconds first, so `duration` is exactly
 * `endtime − starttime` and `ringtime` exactly `answertime − starttime` (or the whole
 * duration when nobody answered), as the CRM would compute them from the datetimes.
 */
import type { AttemptRecord, ContactRecord, FinishStatus } from './campaign.ts';
import type { ReportedStatus } from './disposition.ts';
import { formatContractDatetime } from './local-time.ts';

export interface UpdateCampaignPayload {
  campaignid: number;
  contact_id: number;
  phonenumber: string;
  agentcode: string | null;
  station_id: string | null;
  starttime: string;
  answertime: string | null;
  endtime: string;
  duration: number;
  ringtime: number;
  link_down_record: string | null;
  status: ReportedStatus;
  callid: string;
}

export interface FinishCampaignPayload {
  campaignid: number;
  status: FinishStatus;
  contact_total: number;
  contact_success: number;
}

const wholeSeconds = (ms: number) => Math.floor(ms / 1000);

export interface EndedCall {
  callId: string;
  status: ReportedStatus;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  agentCode: string | null;
  stationId: string | null;
}

export function updateCampaignPayload(
  contact: Pick<ContactRecord, 'campaignId' | 'contactId' | 'phoneNumber'>,
  call: EndedCall,
  recordingUrl: string | null,
  timeZone: string,
): UpdateCampaignPayload {
  const start = wholeSeconds(call.startedAt);
  const end = Math.max(start, wholeSeconds(call.endedAt));
  const answered = call.answeredAt === null ? null : Math.min(end, Math.max(start, wholeSeconds(call.answeredAt)));
  // An agent is only named when the customer talked to one (decision 3.7).
  const connected = call.status === 'ANSWERED';
  return {
    campaignid: contact.campaignId,
    contact_id: contact.contactId,
    phonenumber: contact.phoneNumber,
    agentcode: connected ? call.agentCode : null,
    station_id: connected ? call.stationId : null,
    starttime: formatContractDatetime(start * 1000, timeZone),
    answertime: answered === null ? null : formatContractDatetime(answered * 1000, timeZone),
    endtime: formatContractDatetime(end * 1000, timeZone),
    duration: end - start,
    ringtime: (answered ?? end) - start,
    link_down_record: connected ? recordingUrl : null,
    status: call.status,
    callid: call.callId,
  };
}

/** Decision 3.12: the single report of a contact that was never dialled because of a DNC list. */
export function dncUpdatePayload(
  contact: Pick<ContactRecord, 'campaignId' | 'contactId' | 'phoneNumber'>,
  decidedAt: number,
  timeZone: string,
): UpdateCampaignPayload {
  const at = formatContractDatetime(wholeSeconds(decidedAt) * 1000, timeZone);
  return {
    campaignid: contact.campaignId,
    contact_id: contact.contactId,
    phonenumber: contact.phoneNumber,
    agentcode: null,
    station_id: null,
    starttime: at,
    answertime: null,
    endtime: at,
    duration: 0,
    ringtime: 0,
    link_down_record: null,
    status: 'DNC',
    callid: dncCallId(contact.campaignId, contact.contactId),
  };
}

export const dncCallId = (campaignId: number, contactId: number) => `dnc-${campaignId}-${contactId}`;
export const finishIdempotencyKey = (campaignId: number) => `finish-${campaignId}`;

/** Call ids are unique per attempt and stable across restarts: campaign, contact, attempt number. */
export const attemptCallId = (campaignId: number, contactId: number, attemptNo: number) => `ccs-${campaignId}-${contactId}-${attemptNo}`;
