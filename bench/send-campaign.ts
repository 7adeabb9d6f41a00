/**
 * sendCampaign with 100,000 contacts: time until the 200, against a baseline measured in the
 * same run on the same machine — JSON.parse of the same body plus one raw SQLite transaction
 * (the engine the store uses on this Node line) inserting the same rows with a prepared
 * statement. Printed, never asserted.
 * Also the longest event-loop stall while a campaign is received (the largest delay of a
 * 10 ms timer, from the start of the upload to its 200): what every other request and timer
 * of the service waits at worst meanwhile.
 *
 *   npx tsx bench/send-campaign.ts [--contacts 100000] [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.ts';
import { formatContractDatetime } from '../src/domain/local-time.ts';
import { silentLogger } from '../src/ports/logger.ts';
import { createService } from '../src/service.ts';
import { openSqlite } from '../src/store/sqlite-driver.ts';

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

function baseline(text: string, dir: string): number {
  const started = performance.now();
  const parsed = JSON.parse(text) as { campaignid: number; contact: { id: number; phonenumber: string; linkedit: string }[] };
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

export async function runSendCampaignBench(options: { contacts?: number; runs?: number } = {}) {
  const contacts = options.contacts ?? 100_000;
  const runs = options.runs ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'ccs-bench-send-'));
  const config = loadConfig({ CCS_PORT: '0', CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dir, CCS_SIM_AGENTS: '0', CCS_LOG_LEVEL: 'silent' }, dir);
  const service = await createService(config, { logger: silentLogger });
  const url = await service.start();
  const service_ms: number[] = [];
  const baseline_ms: number[] = [];
  const stall_ms: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const text = body(run + 1, contacts);
      baseline_ms.push(baseline(text, dir));
      const lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      const started = performance.now();
      const response = await fetch(`${url}/api/sendCampaign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      const answer = await response.json();
      service_ms.push(performance.now() - started);
      lag.disable();
      stall_ms.push(lag.max / 1e6);
      if (response.status !== 200) throw new Error(`sendCampaign answered ${response.status}: ${JSON.stringify(answer)}`);
    }
  } finally {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const s = median(service_ms);
  const b = median(baseline_ms);
  const stall = median(stall_ms);
  const line =
    `sendCampaign: ${contacts} contacts, 200 after ${(s / 1000).toFixed(2)} s (median of ${runs}); baseline JSON.parse + raw insert ${(b / 1000).toFixed(2)} s; ratio ${(s / b).toFixed(2)}x (goal ≤ 2x); ` +
    `longest event-loop stall ${Math.round(stall)} ms`;
  return { contacts, serviceMs: s, baselineMs: b, ratio: s / b, stallMs: stall, line };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { contacts: { type: 'string' }, runs: { type: 'string' } } });
  const result = await runSendCampaignBench({ contacts: Number(values.contacts ?? 100_000), runs: Number(values.runs ?? 3) });
  console.log(result.line);
}
