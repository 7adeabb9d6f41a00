/**
 * Table shapes as Kysely sees them. Instants are epoch milliseconds (BIGINT); JSON is TEXT so
 * SQLite and PostgreSQL share every query.
 */
import type { Generated } from 'kysely';

export interface CampaignsTable {
  id: number;
  type_id: number | null;
  starts_at: number;
  ends_at: number;
  state: string;
  finish_status: string | null;
  received_at: number;
  started_at: number | null;
  stopped_at: number | null;
  finished_at: number | null;
  contact_total: number;
  content_hash: string;
  extra: string | null;
}

export interface ContactsTable {
  campaign_id: number;
  contact_id: number;
  seq: number;
  phone_number: string;
  dial_number: string;
  link_edit: string | null;
  state: string;
  outcome: string | null;
  attempts: number;
  next_attempt_at: number | null;
  last_status: string | null;
  wait_reason: string | null;
  extra: string | null;
}

export interface AttemptsTable {
  call_id: string;
  campaign_id: number;
  contact_id: number;
  attempt_no: number;
  dial_number: string;
  state: string;
  started_at: number;
  ringing_at: number | null;
  answered_at: number | null;
  connected_at: number | null;
  ended_at: number | null;
  agent_code: string | null;
  station_id: string | null;
  status: string | null;
  cause: string | null;
  recording_key: string | null;
  note: string | null;
  audit: string | null;
  /** Wrap-up disposition (migration 005); absent from inserts. */
  disposition: Generated<string | null>;
  disposition_at: Generated<number | null>;
  disposition_by: Generated<string | null>;
  /** Wrap-up after the attempt, for reports (migration 009); absent from inserts. */
  wrapup_ms: Generated<number | null>;
}

export interface OutboxTable {
  id: Generated<number>;
  campaign_id: number;
  kind: string;
  idempotency_key: string;
  payload: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  state: string;
  last_error: string | null;
  delivered_at: number | null;
}

export interface HeartbeatTable {
  name: string;
  at: number;
}

/** Report rollup: sums of ended attempts per campaign × agent ('' = none) × UTC hour of start. */
export interface ReportHourlyTable {
  campaign_id: number;
  agent_code: string;
  hour: number;
  attempts: number;
  answered: number;
  no_answer: number;
  busy: number;
  failed: number;
  congestion: number;
  abandoned: number;
  talk_ms: number;
  hold_ms: number;
  wrapup_ms: number;
}

/** Report rollup of agents' wrap-up codes: attempts per campaign × agent × UTC hour × code. */
export interface ReportCodesTable {
  campaign_id: number;
  agent_code: string;
  hour: number;
  code: string;
  attempts: number;
}

export interface Database {
  campaigns: CampaignsTable;
  contacts: ContactsTable;
  attempts: AttemptsTable;
  outbox: OutboxTable;
  heartbeat: HeartbeatTable;
  report_hourly: ReportHourlyTable;
  report_codes: ReportCodesTable;
}
