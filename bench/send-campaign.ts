/**
 * sendCampaign: time until the 200, against a baseline measured in the same run on the same
 * machine. Printed, never asserted.
 *  - SQLite: JSON.parse of the same body plus one raw SQLite transaction (the engine the store
 *    uses on this Node line) inserting the same rows with a prepared statement.
 *  - PostgreSQL: JSON.parse of the same body plus one raw `COPY … FROM STDIN` of the same rows
 *    (same columns, key and index as the contacts table) in one transaction. The service and
 *    the baseline each get a fresh database, dropped afterwards.
 * Also the longest event-loop stall while a campaign is received (the largest delay of a
 * 10 ms timer, from the start of the upload to its 200): what every other request and timer
 * of the service waits at worst meanwhile.
 *
 *   npx tsx bench/send-campaign.ts [--dialect sqlite|postgres|both] [--contacts 100000[,10000,…]] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../src/config/load-config.ts';
import { formatContractDatetime } from '../src/domain/local-time.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { createService } from '../src/service.ts';
import { openSqlite } from '../src/store/sqlite-driver.ts';
import { createPostgresDatabase } from '../test/support/databases.ts';

export type BenchDialect = 'sqlite' | 'postgres';

/** The PostgreSQL server the benchmark makes its databases on (trust auth, as in the tests). */
const POSTGRES_ADMIN_URL = process.env.CCS_BENCH_POSTGRES_URL ?? process.env.CCS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface ParsedBody {
  campaignid: number;
  starttime: string;
  contact: { id: number; phonenumber: string; linkedit: string }[];
}

function body(id: number, contacts: number): string {
  const now = Date.now();
  return JSON.stringify({
    campaignid: id,
    starttime: formatContractDatetime(now + 3_600_000, 'Asia/Ho_Chi_Minh'),
    endtime: formatContractDatetime(now + 7_200_000, 'Asia/Ho_Chi_Minh'),
    typeid: 2,
    contact: Array.from({ length: contacts }, (_, i) => ({ id: i + 1, phonenumber: `09${String(10_000_000 + i).padStart(8, '0')}`, linkedit: `http://crm.vn/admin/ContactLevelInfo/EditL3/${i + 1}` })),
  });
}

function sqliteBaseline(text: string, dir: string): number {
  const started = performance.now();
  const parsed = JSON.parse(text) as ParsedBody;
  const db = openSqlite(join(dir, `baseline-${Math.random()}.sqlite`));
  db.exec('pragma journal_mode = WAL');
  db.exec('pragma synchronous = NORMAL');
  db.exec('create table contacts (campaign_id integer, contact_id integer, seq integer, phone_number text, dial_number text, link_edit text, state text, attempts integer, next_attempt_at integer, primary key (campaign_id, contact_id))');
  db.exec('create index contacts_due on contacts (campaign_id, state, next_attempt_at, seq)');
  const insert = db.prepare('insert into contacts values (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.exec('begin');
  parsed.contact.forEach((c, i) => insert.run(parsed.campaignid, c.id, i, c.phonenumber, c.phonenumber, c.linkedit, 'pending', 0, 0));
  db.exec('commit');
  const ms = performance.now() - started;
  db.close();
  return ms;
}

const copyText = (v: string) => v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));

/** Raw COPY of the same rows into a table shaped like `contacts` (same key and index), one transaction on an open connection. */
async function postgresBaseline(text: string, client: pg.Client): Promise<number> {
  const started = performance.now();
  const parsed = JSON.parse(text) as ParsedBody;
  const startsAt = Date.parse(parsed.starttime.replace(' ', 'T') + '+07:00');
  const id = parsed.campaignid;
  function* lines() {
    let chunk = '';
    for (let i = 0; i < parsed.contact.length; i++) {
      const c = parsed.contact[i]!;
      const phone = copyText(c.phonenumber);
      chunk += `${id}\t${c.id}\t${i}\t${phone}\t${phone}\t${copyText(c.linkedit)}\tpending\t\\N\t0\t${startsAt}\t\\N\t\\N\t\\N\n`;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  await client.query('begin');
  await pipeline(
    Readable.from(lines()),
    client.query(copyFrom('copy contacts (campaign_id, contact_id, seq, phone_number, dial_number, link_edit, state, outcome, attempts, next_attempt_at, last_status, wait_reason, extra) from stdin')),
  );
  await client.query('commit');
  return performance.now() - started;
}

const POSTGRES_BASELINE_TABLE = `create table contacts (campaign_id bigint not null, contact_id bigint not null, seq integer not null, phone_number text not null,
  dial_number text not null, link_edit text, state text not null, outcome text, attempts integer not null, next_attempt_at bigint, last_status text,
  wait_reason text, extra text, primary key (campaign_id, contact_id));
  create index contacts_due on contacts (campaign_id, state, next_attempt_at, seq)`;

async function post(url: string, text: string): Promise<{ ms: number; stallMs: number }> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  const response = await fetch(`${url}/api/sendCampaign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  const answer = await response.json();
  const ms = performance.now() - started;
  lag.disable();
  if (response.status !== 200) throw new Error(`sendCampaign answered ${response.status}: ${JSON.stringify(answer)}`);
  return { ms, stallMs: lag.max / 1e6 };
}

export interface SendCampaignBenchResult {
  dialect: BenchDialect;
  contacts: number;
  serviceMs: number;
  baselineMs: number;
  ratio: number;
  stallMs: number;
  line: string;
}

export async function runSendCampaignBench(options: { contacts?: number; runs?: number; dialect?: BenchDialect } = {}): Promise<SendCampaignBenchResult> {
  const contacts = options.contacts ?? 100_000;
  const runs = options.runs ?? 3;
  const dialect = options.dialect ?? 'sqlite';
  const dir = mkdtempSync(join(tmpdir(), 'ccs-bench-send-'));
  const serviceDb = dialect === 'postgres' ? await createPostgresDatabase(POSTGRES_ADMIN_URL, 'ccs_bench_service') : undefined;
  const baselineDb = dialect === 'postgres' ? await createPostgresDatabase(POSTGRES_ADMIN_URL, 'ccs_bench_baseline') : undefined;
  const env: Record<string, string> = { CCS_PORT: '0', CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dir, CCS_SIM_AGENTS: '0', CCS_LOG_LEVEL: 'silent' };
  if (serviceDb) env.CCS_DATABASE_URL = serviceDb.url;
  const service_ms: number[] = [];
  const baseline_ms: number[] = [];
  const stall_ms: number[] = [];
  let baselineClient: pg.Client | undefined;
  let service: Awaited<ReturnType<typeof createService>> | undefined;
  try {
    service = await createService(loadConfig(env, dir), { logger: silentLogger });
    const url = await service.start();
    if (baselineDb) {
      baselineClient = new pg.Client({ connectionString: baselineDb.url });
      await baselineClient.connect();
      await baselineClient.query(POSTGRES_BASELINE_TABLE);
      // Both sides warmed up alike (connections open, code compiled) before anything is timed.
      const warm = body(1_000_000, 1000);
      await postgresBaseline(warm, baselineClient);
      await post(url, warm);
    }
    for (let run = 0; run < runs; run++) {
      const text = body(run + 1, contacts);
      baseline_ms.push(baselineClient ? await postgresBaseline(text, baselineClient) : sqliteBaseline(text, dir));
      const { ms, stallMs } = await post(url, text);
      service_ms.push(ms);
      stall_ms.push(stallMs);
    }
  } finally {
    await service?.stop();
    await baselineClient?.end();
    await serviceDb?.drop();
    await baselineDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = median(service_ms);
  const b = median(baseline_ms);
  const stall = median(stall_ms);
  const baselineName = dialect === 'postgres' ? 'JSON.parse + raw COPY' : 'JSON.parse + raw insert';
  const line =
    `sendCampaign (${dialect}): ${contacts} contacts, 200 after ${(s / 1000).toFixed(2)} s (median of ${runs}); baseline ${baselineName} ${(b / 1000).toFixed(2)} s; ratio ${(s / b).toFixed(2)}x (goal ≤ 2x); ` +
    `longest event-loop stall ${Math.round(stall)} ms`;
  return { dialect, contacts, serviceMs: s, baselineMs: b, ratio: s / b, stallMs: stall, line };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { contacts: { type: 'string' }, runs: { type: 'string' }, dialect: { type: 'string' } } });
  const dialects: BenchDialect[] = values.dialect === 'both' ? ['sqlite', 'postgres'] : [(values.dialect ?? 'sqlite') as BenchDialect];
  const sizes = (values.contacts ?? '100000').split(',').map(Number);
  for (const dialect of dialects) {
    for (const contacts of sizes) {
      const result = await runSendCampaignBench({ dialect, contacts, runs: Number(values.runs ?? 3) });
      console.log(result.line);
    }
  }
}
