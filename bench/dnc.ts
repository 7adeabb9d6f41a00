/**
 * Do-not-call list: bulk import and look-up speed on SQLite.
 *
 * Imports `count` numbers (default 1,000,000; a third each written `0…`, `+84…` and `84…`)
 * through `DncStore.importMany` into a fresh SQLite file, then times look-ups: one number at a
 * time (`get`, what the dialer does before every dial) and many at once (`listed`, what
 * screening at receipt does). The baseline, measured in the same run on a second file, is
 * SQLite alone (the store's engine on this Node line): one prepared upsert per row in one
 * transaction, and one prepared select per look-up, with keys already normalised — the ratio
 * is the cost of the store's layers (normalisation, Kysely, async). Prints; never asserts.
 *
 *   npx tsx bench/dnc.ts [count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { subscriberKey } from '../src/domain/phone-number.ts';
import type { DncImportLine } from '../src/ports/dnc-store.ts';
import { dncRepository } from '../src/store/dnc-repository.ts';
import { openSqlDatabase } from '../src/store/sql-store.ts';
import { openSqlite } from '../src/store/sqlite-driver.ts';

export interface DncBenchResult {
  count: number;
  importMs: number;
  importPerSecond: number;
  baselineImportMs: number;
  singleLookupsPerSecond: number;
  baselineLookupsPerSecond: number;
  batchLookupsPerSecond: number;
  /** One-line summary for the benchmark runner. */
  line: string;
}

const spellings = ['0', '+84', '84'];
const numberAt = (i: number) => spellings[i % 3] + '9' + String(10_000_000 + i).padStart(8, '0');

function shuffled(n: number, listedShare: number, count: number): string[] {
  // Half of the probes are listed numbers, half numbers outside the list; a fixed seed (mulberry32) keeps runs comparable.
  let seed = 12345;
  const next = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: n }, () => (next() < listedShare ? numberAt(Math.floor(next() * count)) : '08' + String(Math.floor(next() * 1e8)).padStart(8, '0')));
}

export async function runDncBench(count = 1_000_000, log: (line: string) => void = console.log): Promise<DncBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ccs-bench-dnc-'));
  try {
    const lines: DncImportLine[] = Array.from({ length: count }, (_, i) => ({ number: numberAt(i), source: 'national-register' }));
    const opened = await openSqlDatabase(join(dir, 'ccs.sqlite'));
    const dnc = dncRepository(opened.db);

    let t = performance.now();
    const imported = await dnc.importMany(lines, Date.now());
    const importMs = performance.now() - t;
    if (imported.stored !== count) throw new Error(`imported ${imported.stored} of ${count}`);

    const probes = shuffled(20_000, 0.5, count);
    t = performance.now();
    let hits = 0;
    for (const p of probes) if (await dnc.get(p)) hits++;
    const singleMs = performance.now() - t;

    const batch = shuffled(200_000, 0.5, count);
    t = performance.now();
    const found = await dnc.listed(batch);
    const batchMs = performance.now() - t;
    await opened.store.close();

    // Baseline: SQLite alone (the store's engine on this Node line), same table, keys normalised beforehand.
    const raw = openSqlite(join(dir, 'baseline.sqlite'));
    raw.exec('pragma journal_mode = WAL');
    raw.exec('pragma synchronous = NORMAL');
    raw.exec('create table dnc (key text primary key, number text not null, source text not null, added_at bigint not null)');
    const rows = lines.map((l) => [subscriberKey(l.number), l.number, l.source] as const);
    const insert = raw.prepare('insert into dnc (key, number, source, added_at) values (?, ?, ?, ?) on conflict (key) do update set number = excluded.number, source = excluded.source, added_at = excluded.added_at');
    const at = Date.now();
    t = performance.now();
    raw.exec('begin');
    for (const r of rows) insert.run(r[0], r[1], r[2], at);
    raw.exec('commit');
    const baselineImportMs = performance.now() - t;
    const select = raw.prepare('select key from dnc where key = ?');
    const probeKeys = probes.map(subscriberKey);
    t = performance.now();
    let baseHits = 0;
    for (const k of probeKeys) if (select.get(k)) baseHits++;
    const baselineLookupMs = performance.now() - t;
    raw.close();
    if (baseHits !== hits) throw new Error(`baseline found ${baseHits} of the probes, the store ${hits}`);

    const k = (n: number) => Math.round(n).toLocaleString('en-US');
    const result: DncBenchResult = {
      count,
      importMs,
      importPerSecond: count / (importMs / 1000),
      baselineImportMs,
      singleLookupsPerSecond: probes.length / (singleMs / 1000),
      baselineLookupsPerSecond: probes.length / (baselineLookupMs / 1000),
      batchLookupsPerSecond: batch.length / (batchMs / 1000),
      line: '',
    };
    result.line =
      `dnc: import ${k(count)} in ${(importMs / 1000).toFixed(2)} s (×${(importMs / baselineImportMs).toFixed(2)} raw SQLite); ` +
      `${k(result.singleLookupsPerSecond)} single look-ups/s (×${(result.baselineLookupsPerSecond / result.singleLookupsPerSecond).toFixed(2)} slower than raw), ${k(result.batchLookupsPerSecond)} batched/s`;
    log(`do-not-call list on SQLite, ${k(count)} numbers (${cpus().length} CPUs, Node ${process.version})`);
    log(`  import (importMany, one transaction):  ${(importMs / 1000).toFixed(2)} s  (${k(result.importPerSecond)} numbers/s)`);
    log(`  baseline import (SQLite only): ${(baselineImportMs / 1000).toFixed(2)} s  → ratio ${(importMs / baselineImportMs).toFixed(2)}`);
    log(`  look-ups one at a time (get):          ${k(result.singleLookupsPerSecond)} /s  (${hits} of ${probes.length} listed)`);
    log(`  baseline look-ups (prepared select):   ${k(result.baselineLookupsPerSecond)} /s  → ratio ${(result.baselineLookupsPerSecond / result.singleLookupsPerSecond).toFixed(2)}`);
    log(`  look-ups in batches (listed):          ${k(result.batchLookupsPerSecond)} numbers/s  (${batch.filter((n) => found.has(n)).length} of ${batch.length} listed)`);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.argv[2] ?? 1_000_000);
  await runDncBench(Number.isFinite(count) && count > 0 ? count : 1_000_000);
}
