/**
 * Manual calls: numbers an agent dials from the desk. They are not campaign attempts (the
 * contract has no place for them, so no `updateCampaign` is written), but each request is
 * kept, refused or placed, with its compliance record, for the audit CSV; placed ones count
 * towards frequency caps like attempts. Implementation: src/store/manual-call-repository.ts.
 */
import type { ReportedStatus } from '../domain/disposition.ts';

export type ManualCallState = 'refused' | 'dialing' | 'ended';

export interface ManualCallRecord {
  callId: string;
  agentCode: string;
  stationId: string | null;
  dialNumber: string;
  state: ManualCallState;
  startedAt: number;
  answeredAt: number | null;
  connectedAt: number | null;
  endedAt: number | null;
  status: ReportedStatus | null;
  /** Hang-up cause, or why the call was refused. */
  cause: string | null;
  note: string | null;
  audit: Record<string, unknown> | null;
}

export interface NewManualCall {
  callId: string;
  agentCode: string;
  stationId: string | null;
  dialNumber: string;
  startedAt: number;
  audit: Record<string, unknown> | null;
}

export interface ManualCallEnd {
  callId: string;
  status: ReportedStatus;
  endedAt: number;
  answeredAt: number | null;
  connectedAt: number | null;
  cause: string | null;
}

export interface ManualCallLog {
  /** A refused request (do-not-call list, hours, caps): kept with its reason, never dialled. */
  refuse(call: NewManualCall, reason: string): Promise<void>;
  /** Written before the leg is placed, so a crash never loses a dialled number. */
  begin(call: NewManualCall): Promise<void>;
  /** False when already ended. */
  end(end: ManualCallEnd): Promise<boolean>;
  setNote(callId: string, note: string): Promise<boolean>;
  /** Manual calls not yet ended (a restart ends them as failed). */
  open(): Promise<ManualCallRecord[]>;
  /** Oldest first, started within [from, to). */
  list(filter: { from: number; to: number; limit: number; offset?: number }): Promise<ManualCallRecord[]>;
}
