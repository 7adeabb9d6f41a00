/**
 * Historical reports over 1,000,000 attempts, on SQLite and PostgreSQL.
 *
 * Loads `count` ended attempts (default 1,000,000: 20 campaigns, 60 agents, 30 days of
 * 8 working hours; about a third bridged to an agent) into a fresh database with the service's
 * schema, builds the report rollup from them (as migration 007 does for a database that already
 * holds attempts; a running service keeps it at each attempt's end), checks that the report's
 * totals equal a plain SQL aggregate over the attempts, and times, median of 5:
 *  - the report (`runReport`: the rollup, grouped and labelled in local time) by campaign over
 *    the 30 days, by campaign × agent × day over the 30 days, and by agent × hour for one day;
 *  - the baseline: one plain SQL aggregate over the `attempts` table giving the same figures
 *    (GROUP BY campaign, and by campaign × agent × local day), in the same run.
 * Prints ratios (baseline time / report time); never asserts.
 *
 *   npx tsx bench/reports.ts [--dialect sqlite|postgres|both] [--attempts 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { runReport, type ReportQuery } from '../src/application/reports.ts';
import { DISPOSITIONS } from '../src/domain/disposition.ts';
import { rebuildReportRollup } from '../src/store/report-rollup.ts';
import { reportRepository } from '../src/store/report-repository.ts';
import type { Database } from '../src/store/schema.ts';
import { openSqlDatabase } from '../src/store/sql-store.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';

export type BenchDialect = 'sqlite' | 'postgres';
const POSTGRES_ADMIN_URL = process.env.CCS_BENCH_POSTGRES_URL ?? process.env.CCS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TZ = 'Asia/Ho_Chi_Minh';
const CAMPAIGNS = 20;
const AGENTS = 60;
const DAYS = 30;
/** 2026-10-01 00:00 in Ho Chi Minh City (UTC+7). */
const FIRST_DAY = Date.UTC(2026, 9, 1) - 7 * 3_600_000;

/** Deterministic pseudo-random numbers (mulberry32), so runs load the same floor. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` ended attempts spread over the working hours (08:00–16:00) of DAYS days. */
function* attempts(count: number) {
  const next = random(42);
  const perDay = Math.ceil(count / DAYS);
  for (let i = 0; i < count; i++) {
    const day = Math.floor(i / perDay);
    const startedAt = FIRST_DAY + day * 86_400_000 + 8 * 3_600_000 + Math.floor(next() * 8 * 3_600_000);
    const agentNo = Math.floor(next() * AGENTS);
    // An agent works one campaign a day; unbridged legs belong to any campaign.
    const r = next();
    const status = r < 0.32 ? 'ANSWERED' : r < 0.34 ? 'ABANDONED' : r < 0.74 ? 'NO ANSWER' : r < 0.88 ? 'BUSY' : r < 0.96 ? 'FAILED' : 'CONGESTION';
    const bridged = status === 'ANSWERED';
    const campaignId = bridged ? ((agentNo + day) % CAMPAIGNS) + 1 : Math.floor(next() * CAMPAIGNS) + 1;
    const answeredAt = bridged || status === 'ABANDONED' ? startedAt + 5_000 + Math.floor(next() * 20_000) : null;
    const connectedAt = bridged ? answeredAt! + Math.floor(next() * 2_000) : null;
    const endedAt = connectedAt !== null ? connectedAt + 20_000 + Math.floor(next() * 280_000) : (answeredAt ?? startedAt) + 2_000 + Math.floor(next() * 30_000);
    yield {
      call_id: `ccs-${campaignId}-${i + 1}-1`,
      campaign_id: campaignId,
      contact_id: i + 1,
      attempt_no: 1,
      dial_number: `+849${String(10_000_000 + i).padStart(8, '0')}`,
      state: 'ended',
      started_at: startedAt,
      ringing_at: startedAt + 1_000,
      answered_at: answeredAt,
      connected_at: connectedAt,
      ended_at: endedAt,
      agent_code: bridged ? `A${String(agentNo + 1).padStart(3, '0')}` : null,
      station_id: bridged ? String(100 + agentNo) : null,
      status,
      cause: bridged ? 'normal' : 'no-answer',
      recording_key: null,
      note: null,
      audit: null,
    };
  }
}

async function load(db: Kysely<Database>, count: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    let batch = [];
    for (const a of attempts(count)) {
      batch.push(a);
      if (batch.length === 1000) {
        await trx.insertInto('attempts').values(batch).execute();
        batch = [];
      }
    }
    if (batch.length) await trx.insertInto('attempts').values(batch).execute();
  });
}

/** The same figures straight from the attempts: one GROUP BY over the table. */
async function plainAggregate(db: Kysely<Database>, from: number, to: number, byAgentDay: boolean): Promise<Record<string, unknown>[]> {
  const day = sql.raw(`(started_at + ${7 * 3_600_000}) / 86400000`); // local day number in UTC+7
  const count = (status: string) => sql`sum(case when status = ${status} then 1 else 0 end)`;
  const keys = byAgentDay ? sql`campaign_id, agent_code, ${day}` : sql`campaign_id`;
  const { rows } = await sql<Record<string, unknown>>`
    select ${keys}, count(*) as attempts,
      ${sql.join(DISPOSITIONS.map((d) => sql`${count(d)}`))},
      sum(case when status = 'ANSWERED' and connected_at is not null then ended_at - connected_at else 0 end) as talk_ms
    from attempts where state = 'ended' and started_at >= ${from} and started_at < ${to}
    group by ${keys}`.execute(db);
  return rows;
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export interface ReportsBenchResult {
  dialect: BenchDialect;
  attempts: number;
  rollupRows: number;
  loadMs: number;
  rebuildMs: number;
  reportMs: { campaign: number; campaignAgentDay: number; agentHourOneDay: number };
  baselineMs: { campaign: number; campaignAgentDay: number };
  line: string;
}

export async function runReportsBench(options: { dialect: BenchDialect; attempts?: number; log?: (line: string) => void }): Promise<ReportsBenchResult> {
  const { dialect } = options;
  const count = options.attempts ?? 1_000_000;
  const log = options.log ?? console.log;
  const dir = mkdtempSync(join(tmpdir(), 'ccs-bench-reports-'));
  const postgres = dialect === 'postgres' ? await createPostgresDatabase(POSTGRES_ADMIN_URL, 'ccs_bench_reports') : null;
  const opened = await openSqlDatabase(postgres ? postgres.url : join(dir, 'ccs.sqlite'));
  try {
    const { db } = opened;
    let t = performance.now();
    await load(db, count);
    const loadMs = performance.now() - t;
    log(`${dialect}: ${count} attempts loaded in ${(loadMs / 1000).toFixed(1)} s`);
    t = performance.now();
    await rebuildReportRollup(db);
    const rebuildMs = performance.now() - t;
    // As autovacuum would have by then on a live database: statistics and the visibility map.
    if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
    const rollupRows = Number((await sql<{ n: number }>`select count(*) as n from report_hourly`.execute(db)).rows[0]!.n);
    log(`${dialect}: rollup built in ${(rebuildMs / 1000).toFixed(1)} s: ${rollupRows} rows`);

    const reports = reportRepository(db);
    const month: ReportQuery = { from: '2026-10-01', to: '2026-10-30', by: ['campaign'], campaignIds: [], agentCodes: [] };
    const from = FIRST_DAY;
    const to = FIRST_DAY + DAYS * 86_400_000;

    // The report must agree with the attempts before its speed means anything.
    const report = await runReport(reports, month, TZ);
    const plain = await plainAggregate(db, from, to, false);
    const plainAttempts = plain.reduce((n, r) => n + Number(r.attempts), 0);
    const plainTalk = plain.reduce((n, r) => n + Number(r.talk_ms), 0);
    if (report.total.attempts !== count || plainAttempts !== count || report.total.talkSeconds !== Math.round(plainTalk / 1000)) {
      throw new Error(`report (${report.total.attempts} attempts, ${report.total.talkSeconds} s) differs from the attempts (${plainAttempts}, ${Math.round(plainTalk / 1000)} s)`);
    }

    const reportMs = {
      campaign: await median(5, () => runReport(reports, month, TZ)),
      campaignAgentDay: await median(5, () => runReport(reports, { ...month, by: ['campaign', 'agent', 'day'] }, TZ)),
      agentHourOneDay: await median(5, () => runReport(reports, { ...month, from: '2026-10-15', to: '2026-10-15', by: ['agent', 'hour'] }, TZ)),
    };
    const baselineMs = {
      campaign: await median(5, () => plainAggregate(db, from, to, false)),
      campaignAgentDay: await median(5, () => plainAggregate(db, from, to, true)),
    };
    const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
    const line =
      `reports (${dialect}): ${count} attempts, ${rollupRows} rollup rows; by campaign over 30 days ${ms(reportMs.campaign)} ` +
      `(plain SQL aggregate ${ms(baselineMs.campaign)}, ratio ${(baselineMs.campaign / reportMs.campaign).toFixed(1)}x); ` +
      `by campaign × agent × day ${ms(reportMs.campaignAgentDay)} (plain ${ms(baselineMs.campaignAgentDay)}, ratio ${(baselineMs.campaignAgentDay / reportMs.campaignAgentDay).toFixed(1)}x); ` +
      `by agent × hour, one day ${ms(reportMs.agentHourOneDay)}; goal < 1000 ms`;
    return { dialect, attempts: count, rollupRows, loadMs, rebuildMs, reportMs, baselineMs, line };
  } finally {
    await opened.store.close();
    await postgres?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { dialect: { type: 'string' }, attempts: { type: 'string' } } });
  const dialects: BenchDialect[] = (values.dialect ?? 'both') === 'both' ? ['sqlite', 'postgres'] : [values.dialect as BenchDialect];
  for (const dialect of dialects) {
    const result = await runReportsBench({ dialect, attempts: Number(values.attempts ?? 1_000_000) });
    console.log(result.line);
  }
  console.log(`(${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}, Node ${process.version})`);
}
