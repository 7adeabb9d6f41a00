/**
 * Callback delivery throughput: how fast the outbox drains a backlog left by a CRM outage.
 *
 * On SQLite (a temp file) it writes a backlog of update callbacks (one per contact, spread
 * over several campaigns; the campaigns through the store API, the outbox rows in bulk with
 * the same columns `endAttempt` writes, so that setup stays short), then starts a local receiver
 * (node:http on 127.0.0.1, keep-alive) and times the delivery worker until everything is
 * delivered and recorded. The baseline, measured in the same run, is the same number of POSTs
 * with the same bodies sent straight to the same receiver with the same undici sender and
 * concurrency, without the store: the ratio is the outbox's overhead. Prints; never asserts.
 *
 *   npx tsx bench/callback-delivery.ts [count]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../src/clock/system-clock.ts';
import { silentLogger } from '../src/ports/logger.ts';
import type { CallbackRequest, CallbackSender } from '../src/outbox/callback-sender.ts';
import { crmCallbackUrls, resolveDeliveryConfig } from '../src/outbox/delivery-config.ts';
import { createDeliveryWorker } from '../src/outbox/delivery-worker.ts';
import { createHttpCallbackSender } from '../src/outbox/http-sender.ts';
import { attemptCallId, updateCampaignPayload } from '../src/domain/callbacks.ts';
import { connect } from '../src/store/connect.ts';
import type { OutboxStore } from '../src/ports/store.ts';
import type { OutboxTable } from '../src/store/schema.ts';
import { openSqlStore } from '../src/store/sql-store.ts';
import { startCallbackReceiver } from '../test/support/callback-receiver.ts';
import { createTestCampaign, TEST_TIME_ZONE, testContacts } from '../test/support/outbox-fixtures.ts';

export interface CallbackDeliveryBenchOptions {
  /** Update callbacks in the backlog (default 50,000). */
  count?: number;
  /** Campaigns the backlog is spread over (default 50). */
  campaigns?: number;
  concurrency?: number;
  batchSize?: number;
  log?: (line: string) => void;
}

export interface CallbackDeliveryBenchResult {
  count: number;
  backlogWriteMs: number;
  drainMs: number;
  perSecond: number;
  baselineMs: number;
  baselinePerSecond: number;
  /** baseline rate / outbox rate: 1 means no overhead. */
  ratio: number;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);

/** Rows per multi-row INSERT (11 columns, well under SQLite's bound-parameter limit). */
const INSERT_CHUNK = 1_000;

/** The outbox as a CRM outage leaves it: `count` NO ANSWER updates over `campaigns` campaigns, all due. */
async function writeBacklog(databasePath: string, count: number, campaigns: number, at: number): Promise<void> {
  const { db } = connect(databasePath);
  try {
    const perCampaign = Math.ceil(count / campaigns);
    const rows: Omit<OutboxTable, 'id'>[] = [];
    for (let c = 0, written = 0; c < campaigns && written < count; c++, written += perCampaign) {
      const campaignId = 1000 + c;
      for (const contact of testContacts(Math.min(perCampaign, count - written))) {
        const callId = attemptCallId(campaignId, contact.contactId, 1);
        const payload = updateCampaignPayload(
          { campaignId, contactId: contact.contactId, phoneNumber: contact.phoneNumber },
          { callId, status: 'NO ANSWER', startedAt: at - 25_000, answeredAt: null, endedAt: at, agentCode: null, stationId: null },
          null,
          TEST_TIME_ZONE,
        );
        rows.push({
          campaign_id: campaignId,
          kind: 'update',
          idempotency_key: callId,
          payload: JSON.stringify(payload),
          created_at: at,
          next_attempt_at: at,
          attempts: 0,
          state: 'pending',
          last_error: null,
          delivered_at: null,
        });
      }
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await trx.insertInto('outbox').values(rows.slice(i, i + INSERT_CHUNK)).execute();
    });
  } finally {
    await db.destroy();
  }
}

/** Wraps the outbox calls the worker makes to add up the time spent in each. */
function timeStoreCalls(store: OutboxStore): { store: OutboxStore; summary(): string } {
  const totals = new Map<string, { calls: number; ms: number }>();
  const wrapped = Object.create(store) as OutboxStore;
  for (const name of ['claimDueCallbacks', 'markDelivered', 'markFailed', 'nextCallbackDueAt'] as const) {
    const original = store[name].bind(store) as (...args: unknown[]) => Promise<unknown>;
    (wrapped as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const t = performance.now();
      try {
        return await original(...args);
      } finally {
        const entry = totals.get(name) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += performance.now() - t;
        totals.set(name, entry);
      }
    };
  }
  return {
    store: wrapped,
    summary: () => [...totals].map(([name, t]) => `${name} ${t.calls}× ${t.ms.toFixed(0)} ms`).join(', '),
  };
}

/** `count` POSTs with at most `concurrency` in flight. */
async function postAll(sender: CallbackSender, requests: readonly CallbackRequest[], concurrency: number): Promise<void> {
  let next = 0;
  let failures = 0;
  const lane = async () => {
    while (next < requests.length) {
      const outcome = await sender.send(requests[next++]!);
      if (!outcome.ok) failures++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  if (failures > 0) throw new Error(`baseline: ${failures} requests failed`);
}

export async function runCallbackDeliveryBench(options: CallbackDeliveryBenchOptions = {}): Promise<CallbackDeliveryBenchResult> {
  const count = options.count ?? 50_000;
  const campaigns = Math.min(options.campaigns ?? 50, count);
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'ccs-bench-delivery-'));
  const databasePath = join(dir, 'ccs.sqlite');
  const store = await openSqlStore(databasePath);
  const receiver = await startCallbackReceiver({ record: false });
  const config = resolveDeliveryConfig({
    ...crmCallbackUrls(receiver.url),
    concurrency: options.concurrency ?? 64,
    batchSize: options.batchSize ?? 500,
  });
  const sender = createHttpCallbackSender({ clock: systemClock, requestTimeoutMs: config.requestTimeoutMs, hmacSecret: null, connectionsPerOrigin: config.concurrency });
  try {
    // The backlog: callbacks written while the CRM was unreachable, all due now.
    let started = performance.now();
    const now = Date.now();
    const perCampaign = Math.ceil(count / campaigns);
    for (let c = 0, written = 0; c < campaigns && written < count; c++, written += perCampaign) {
      await createTestCampaign(store, 1000 + c, Math.min(perCampaign, count - written), now);
    }
    await writeBacklog(databasePath, count, campaigns, now);
    const backlogWriteMs = performance.now() - started;
    log(`callback delivery: wrote a backlog of ${count} update callbacks over ${campaigns} campaigns in ${seconds(backlogWriteMs)} s`);

    const rows = await store.listCallbacks({ state: 'pending', limit: count });
    const requests = rows.map((r) => ({ url: config.updateUrl!, body: r.payload, idempotencyKey: r.idempotencyKey }));

    // Warm both paths (JIT, keep-alive connections) before timing either.
    await postAll(sender, requests.slice(0, Math.min(2_000, count)), config.concurrency);

    const timeBaseline = async () => {
      const t = performance.now();
      await postAll(sender, requests, config.concurrency);
      return performance.now() - t;
    };
    const baselineBeforeMs = await timeBaseline();

    const timed = timeStoreCalls(store);
    const worker = createDeliveryWorker({ store: timed.store, sender, clock: systemClock, logger: silentLogger, config });
    const before = receiver.count();
    started = performance.now();
    let delivered = 0;
    for (let pass = 0; pass < 10 && delivered < count; pass++) delivered += await worker.drainOnce();
    const drainMs = performance.now() - started;
    log(`callback delivery: time in store calls during the drain: ${timed.summary()}`);
    const stats = await store.outboxStats();
    if (stats.delivered !== count || receiver.count() - before !== count) {
      log(`callback delivery: WARNING delivered ${stats.delivered}, receiver saw ${receiver.count() - before}, expected ${count}`);
    }

    // Timed again after the drain; the faster of the two is the baseline (the ratio errs against the outbox).
    const baselineAfterMs = await timeBaseline();
    const baselineMs = Math.min(baselineBeforeMs, baselineAfterMs);
    log(`callback delivery baseline runs: ${seconds(baselineBeforeMs)} s before, ${seconds(baselineAfterMs)} s after the outbox run`);

    const perSecond = count / (drainMs / 1000);
    const baselinePerSecond = count / (baselineMs / 1000);
    const ratio = baselinePerSecond / perSecond;
    log(`callback delivery baseline (same POSTs, same sender, no store): ${count} in ${seconds(baselineMs)} s = ${Math.round(baselinePerSecond)}/s`);
    log(
      `callback delivery: ${count} in ${seconds(drainMs)} s = ${Math.round(perSecond)}/s (baseline ${Math.round(baselinePerSecond)}/s, ratio ${ratio.toFixed(2)}) ` +
        `[SQLite, concurrency ${config.concurrency}, batch ${config.batchSize}; goal ≥ 3000/s]`,
    );
    return { count, backlogWriteMs, drainMs, perSecond, baselineMs, baselinePerSecond, ratio };
  } finally {
    await sender.close();
    await receiver.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = process.argv[2] ? Number(process.argv[2]) : undefined;
  await runCallbackDeliveryBench({ count });
}
