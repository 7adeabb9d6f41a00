/**
 * Campaign, contact and attempt records: the state the dialer works on.
 *
 * Campaign states:  scheduled ──starttime──▶ running ──┬─ every contact final ─▶ finished(completed)
 *                      │                                ├─ endtime ─▶ stopping ─▶ finished(expired)
 *                      └──── closeCampaign ─────────────┴─ close ───▶ stopping ─▶ finished(closed)
 * `stopping` lasts while calls of the campaign are still up: no new call starts, ringing legs
 * are hung up, connected calls finish. A campaign with nothing in flight goes straight to
 * `finished`. finishCampaign is emitted exactly once, in the transaction that enters `finished`.
 *
 * Contact states: pending (waits for `nextAttemptAt`) ⇄ dialing (one attempt in flight) → final.
 * Attempt states: dialing → ringing → answered → connected → ended (any state may jump to ended);
 * dialing → unplaced when the leg could not be placed at all (the attempt is given back).
 */
import type { Disposition, ReportedStatus } from './disposition.ts';

export type CampaignState = 'scheduled' | 'running' | 'stopping' | 'finished';
export type FinishStatus = 'completed' | 'expired' | 'closed';

export interface CampaignRecord {
  id: number;
  typeId: number | null;
  startsAt: number;
  endsAt: number;
  state: CampaignState;
  /** Set when the campaign leaves `running` (or is closed before it starts). */
  finishStatus: FinishStatus | null;
  receivedAt: number;
  startedAt: number | null;
  stoppedAt: number | null;
  finishedAt: number | null;
  contactTotal: number;
  contentHash: string;
  extra: Record<string, unknown> | null;
}

export type ContactState = 'pending' | 'dialing' | 'final';
export type ContactOutcome = 'answered' | 'exhausted' | 'dnc';

export interface ContactRecord {
  campaignId: number;
  contactId: number;
  /** Sequence of the contact inside its campaign, in the order the CRM sent it. */
  seq: number;
  phoneNumber: string;
  dialNumber: string;
  linkEdit: string | null;
  state: ContactState;
  outcome: ContactOutcome | null;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: ReportedStatus | null;
  /** Why a pending contact is waiting (retry delay, calling hours, frequency cap…), for operators. */
  waitReason: string | null;
  extra: Record<string, unknown> | null;
}

/**
 * `unplaced`: the leg never reached the carrier (the driver or the PBX refused it); the
 * attempt was given back to its contact and nothing was reported for it.
 */
export type AttemptState = 'dialing' | 'ringing' | 'answered' | 'connected' | 'ended' | 'unplaced';

export interface AttemptRecord {
  callId: string;
  campaignId: number;
  contactId: number;
  attemptNo: number;
  dialNumber: string;
  state: AttemptState;
  startedAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  connectedAt: number | null;
  endedAt: number | null;
  agentCode: string | null;
  stationId: string | null;
  status: ReportedStatus | null;
  cause: string | null;
  recordingKey: string | null;
  note: string | null;
  audit: Record<string, unknown> | null;
  /** The agent's wrap-up disposition code, who gave it and when (stores without it leave these out). */
  disposition?: string | null;
  dispositionAt?: number | null;
  dispositionBy?: string | null;
  /** When the retention job deleted the recording (stores without retention leave it out). */
  recordingDeletedAt?: number | null;
}

export interface CampaignCounts {
  contactTotal: number;
  contactsFinal: number;
  contactsPending: number;
  contactsDialing: number;
  contactsAnswered: number;
  contactsDnc: number;
  attempts: number;
  attemptsByStatus: Partial<Record<ReportedStatus, number>>;
}

export type { Disposition };
