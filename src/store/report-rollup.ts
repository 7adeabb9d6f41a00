/**
 * The report rollup: one row per campaign × agent × hour (UTC hour of the attempt's start;
 * agent '' for attempts never connected to one) with the sums every report is made of. It is
 * written in the same transaction as the attempt's end, so a report reads a few thousand rows
 * instead of scanning millions of attempts, and never disagrees with the attempts it sums.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export const HOUR_MS = 3_600_000;

/** Status columns: the CRM dispositions an ended attempt can have. */
export const STATUS_COLUMNS = {
  ANSWERED: 'answered',
  'NO ANSWER': 'no_answer',
  BUSY: 'busy',
  FAILED: 'failed',
  CONGESTION: 'congestion',
  ABANDONED: 'abandoned',
} as const;

export interface EndedAttemptFacts {
  campaignId: number;
  agentCode: string | null;
  startedAt: number;
  connectedAt: number | null;
  endedAt: number;
  status: string;
  /** Time the customer was on hold (part of the connected time; counted as hold, not talk). */
  holdMs?: number;
}

/** Adds one ended attempt to its rollup row (inside the attempt's end transaction). */
export async function addToReportRollup(trx: Transaction<Database> | Kysely<Database>, a: EndedAttemptFacts): Promise<void> {
  const column = STATUS_COLUMNS[a.status as keyof typeof STATUS_COLUMNS];
  const connectedMs = a.status === 'ANSWERED' && a.connectedAt !== null ? Math.max(0, a.endedAt - a.connectedAt) : 0;
  const holdMs = Math.min(connectedMs, Math.max(0, Math.round(a.holdMs ?? 0)));
  const talkMs = connectedMs - holdMs;
  const counts = { answered: 0, no_answer: 0, busy: 0, failed: 0, congestion: 0, abandoned: 0 };
  if (column) counts[column] = 1;
  // One statement text for every call (the builder's upsert cost more to compile than to run):
  // the conflict branch adds the inserted row's figures (`excluded`, in SQLite and PostgreSQL).
  await sql`insert into report_hourly
      (campaign_id, agent_code, hour, attempts, answered, no_answer, busy, failed, congestion, abandoned, talk_ms, hold_ms, wrapup_ms)
    values (${a.campaignId}, ${a.agentCode ?? ''}, ${a.startedAt - (a.startedAt % HOUR_MS)}, 1, ${counts.answered}, ${counts.no_answer},
      ${counts.busy}, ${counts.failed}, ${counts.congestion}, ${counts.abandoned}, ${talkMs}, ${holdMs}, 0)
    on conflict (campaign_id, agent_code, hour) do update set
      attempts = report_hourly.attempts + 1,
      answered = report_hourly.answered + excluded.answered,
      no_answer = report_hourly.no_answer + excluded.no_answer,
      busy = report_hourly.busy + excluded.busy,
      failed = report_hourly.failed + excluded.failed,
      congestion = report_hourly.congestion + excluded.congestion,
      abandoned = report_hourly.abandoned + excluded.abandoned,
      talk_ms = report_hourly.talk_ms + excluded.talk_ms,
      hold_ms = report_hourly.hold_ms + excluded.hold_ms`.execute(trx);
}

/**
 * The wrap-up after an answered attempt: kept on the attempt (once) and added to the attempt's
 * rollup row, in one transaction.
 */
export async function addWrapUpToReportRollup(db: Kysely<Database>, callId: string, wrapUpMs: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('attempts')
      .set({ wrapup_ms: wrapUpMs })
      .where('call_id', '=', callId)
      .where('state', '=', 'ended')
      .where('agent_code', 'is not', null)
      .where('wrapup_ms', 'is', null)
      .returning(['campaign_id', 'agent_code', 'started_at'])
      .executeTakeFirst();
    if (!r) return false;
    const startedAt = Number(r.started_at);
    await trx
      .updateTable('report_hourly')
      .set({ wrapup_ms: sql`wrapup_ms + ${wrapUpMs}` })
      .where('campaign_id', '=', Number(r.campaign_id))
      .where('agent_code', '=', r.agent_code ?? '')
      .where('hour', '=', startedAt - (startedAt % HOUR_MS))
      .execute();
    return true;
  });
}

/** Counts the wrap-up code an agent gave an attempt (inside the transaction that records it). */
export async function addCodeToReportRollup(trx: Kysely<any>, callId: string, code: string): Promise<void> {
  const a = await trx.selectFrom('attempts').select(['campaign_id', 'agent_code', 'started_at']).where('call_id', '=', callId).executeTakeFirst();
  if (!a) return;
  const startedAt = Number(a.started_at);
  await trx
    .insertInto('report_codes')
    .values({ campaign_id: Number(a.campaign_id), agent_code: a.agent_code ?? '', hour: startedAt - (startedAt % HOUR_MS), code, attempts: 1 })
    .onConflict((oc) => oc.columns(['campaign_id', 'agent_code', 'hour', 'code']).doUpdateSet({ attempts: sql`report_codes.attempts + 1` }))
    .execute();
}

/** Rebuilds the code counts from the codes stored on the attempts (migration 010, tools). */
export async function rebuildReportCodes(db: Kysely<any>): Promise<void> {
  await sql`delete from report_codes`.execute(db);
  const hour = sql.raw(`started_at - (started_at % ${HOUR_MS})`);
  await sql`
    insert into report_codes (campaign_id, agent_code, hour, code, attempts)
    select campaign_id, coalesce(agent_code, ''), ${hour}, disposition, count(*)
    from attempts where disposition is not null
    group by campaign_id, coalesce(agent_code, ''), ${hour}, disposition`.execute(db);
}

/**
 * Rebuilds the rollup from the ended attempts (the migration that creates it, and tools that
 * load attempts in bulk). Same rules as `addToReportRollup`, except hold time: attempts do not
 * keep it, so a rebuilt rollup counts held time as talk.
 */
export async function rebuildReportRollup(db: Kysely<any>, options: { wrapUpColumn?: boolean } = {}): Promise<void> {
  // Migration 007 runs before migration 009 gives attempts their wrap-up column.
  const wrapUp = options.wrapUpColumn === false ? sql`0` : sql`sum(coalesce(wrapup_ms, 0))`;
  await sql`delete from report_hourly`.execute(db);
  const count = (status: string) => sql`sum(case when status = ${status} then 1 else 0 end)`;
  // A literal, not a parameter: PostgreSQL must see the grouped expression repeated exactly.
  const hour = sql.raw(`started_at - (started_at % ${HOUR_MS})`);
  await sql`
    insert into report_hourly (campaign_id, agent_code, hour, attempts, answered, no_answer, busy, failed, congestion, abandoned, talk_ms, hold_ms, wrapup_ms)
    select campaign_id, coalesce(agent_code, ''), ${hour}, count(*),
      ${count('ANSWERED')}, ${count('NO ANSWER')}, ${count('BUSY')}, ${count('FAILED')}, ${count('CONGESTION')}, ${count('ABANDONED')},
      sum(case when status = 'ANSWERED' and connected_at is not null and ended_at > connected_at then ended_at - connected_at else 0 end), 0,
      ${wrapUp}
    from attempts where state = 'ended'
    group by campaign_id, coalesce(agent_code, ''), ${hour}`.execute(db);
}
