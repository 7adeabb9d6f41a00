/**
 * The delivery worker against a real store (SQLite and PostgreSQL, a fresh database per test)
 * and a real HTTP receiver on 127.0.0.1. Time-driven cases (back-off, maximum age) run on a
 * virtual clock and `drainOnce()`; outage cases run the worker loop on the system clock with
 * short intervals and wait for outcomes, never for durations.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/system-clock.ts';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { finishIdempotencyKey } from '../../src/domain/callbacks.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { CallbackKind, Store } from '../../src/ports/store.ts';
import { resolveDeliveryConfig, type DeliveryConfigInput } from '../../src/outbox/delivery-config.ts';
import type { DeliveryObserver } from '../../src/outbox/delivery-observer.ts';
import { createDeliveryWorker, type DeliveryWorker } from '../../src/outbox/delivery-worker.ts';
import { createHttpCallbackSender } from '../../src/outbox/http-sender.ts';
import { SIGNATURE_HEADER, verifySignature } from '../../src/outbox/signature.ts';
import type { CallbackSender } from '../../src/outbox/callback-sender.ts';
import { openSqlStore } from '../../src/store/sql-store.ts';
import { startCallbackReceiver, freePort, type CallbackReceiver, type ReceiverBehaviour } from '../support/callback-receiver.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';
import { eventually, writeCampaignCallbacks, createTestCampaign, writeUpdateCallback } from '../support/outbox-fixtures.ts';

const T0 = Date.UTC(2025, 0, 6, 2, 0, 0);

class RecordingObserver implements DeliveryObserver {
  events: { type: 'delivered' | 'failed' | 'dead'; kind: CallbackKind; detail?: string | number }[] = [];
  delivered(kind: CallbackKind, latencyMs: number) {
    this.events.push({ type: 'delivered', kind, detail: latencyMs });
  }
  failed(kind: CallbackKind, reason: string) {
    this.events.push({ type: 'failed', kind, detail: reason });
  }
  dead(kind: CallbackKind) {
    this.events.push({ type: 'dead', kind });
  }
  count(type: 'delivered' | 'failed' | 'dead') {
    return this.events.filter((e) => e.type === type).length;
  }
}

describe.each(DIALECTS)('callback delivery on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  const cleanups: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    store = await openSqlStore(db.url);
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await store.close();
    await db.drop();
  });

  async function receiver(behaviour?: ReceiverBehaviour, port?: number): Promise<CallbackReceiver> {
    const r = await startCallbackReceiver({ behaviour, port });
    cleanups.push(() => r.close());
    return r;
  }

  function worker(
    clock: Clock,
    baseUrl: string | null,
    input: DeliveryConfigInput = {},
    extra: { observer?: DeliveryObserver; logger?: typeof silentLogger } = {},
  ): { worker: DeliveryWorker; sender: CallbackSender } {
    const config = resolveDeliveryConfig({
      updateUrl: baseUrl && `${baseUrl}/api/updateCampaign`,
      finishUrl: baseUrl && `${baseUrl}/api/finishCampaign`,
      backoff: { baseMs: 1_000, maxMs: 60_000, jitter: 0 },
      ...input,
    });
    const sender = createHttpCallbackSender({ clock, requestTimeoutMs: config.requestTimeoutMs, hmacSecret: config.hmacSecret, connectionsPerOrigin: config.concurrency });
    const w = createDeliveryWorker({ store, sender, clock, logger: extra.logger ?? silentLogger, observer: extra.observer, config, random: () => 0 });
    cleanups.push(async () => {
      await w.stop();
      await sender.close();
    });
    return { worker: w, sender };
  }

  it('delivers updates and then the finish with the contract headers and the stored bodies', async () => {
    const crm = await receiver();
    const clock = new VirtualClock(T0);
    const { updates, finish } = await writeCampaignCallbacks(store, 7, 2, T0);
    const { worker: w } = worker(clock, crm.url);

    expect(await w.drainOnce()).toBe(3);

    expect(crm.received.map((r) => [r.method, r.path])).toEqual([
      ['POST', '/api/updateCampaign'],
      ['POST', '/api/updateCampaign'],
      ['POST', '/api/finishCampaign'],
    ]);
    const byKey = new Map(crm.received.map((r) => [r.headers['idempotency-key'], r]));
    for (const u of updates) {
      const r = byKey.get(u.callid)!;
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.body).toBe(JSON.stringify(u));
      expect(r.headers[SIGNATURE_HEADER.toLowerCase()]).toBeUndefined();
    }
    const f = byKey.get(finishIdempotencyKey(7))!;
    expect(f.headers['content-type']).toBe('application/json');
    expect(f.body).toBe(JSON.stringify(finish));
    const rows = await store.listCallbacks({ limit: 10 });
    expect(rows.map((r) => [r.state, r.attempts, r.deliveredAt])).toEqual([
      ['delivered', 1, T0],
      ['delivered', 1, T0],
      ['delivered', 1, T0],
    ]);
  });

  it('retries after HTTP 500 with back-off and delivers once the CRM recovers', async () => {
    const crm = await receiver((_r, i) => (i < 2 ? 500 : 200));
    const clock = new VirtualClock(T0);
    const observer = new RecordingObserver();
    await createTestCampaign(store, 1, 1, T0);
    await writeUpdateCallback(store, 1, 1, T0);
    const { worker: w } = worker(clock, crm.url, {}, { observer });

    expect(await w.drainOnce()).toBe(0);
    let [row] = await store.listCallbacks({ limit: 1 });
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: T0 + 1_000 });

    await clock.advanceBy(999);
    expect(await w.drainOnce()).toBe(0);
    expect(crm.received).toHaveLength(1);

    await clock.advanceBy(1);
    expect(await w.drainOnce()).toBe(0);
    [row] = await store.listCallbacks({ limit: 1 });
    expect(row).toMatchObject({ state: 'pending', attempts: 2, nextAttemptAt: T0 + 1_000 + 2_000 });

    await clock.advanceTo(T0 + 3_000);
    expect(await w.drainOnce()).toBe(1);
    [row] = await store.listCallbacks({ limit: 1 });
    expect(row).toMatchObject({ state: 'delivered', attempts: 3, deliveredAt: T0 + 3_000 });
    expect(observer.events.map((e) => e.type)).toEqual(['failed', 'failed', 'delivered']);
    expect(observer.events[2]).toEqual({ type: 'delivered', kind: 'update', detail: 3_000 });
  });

  it('times out a CRM that never answers and delivers on a later attempt', async () => {
    const crm = await receiver((_r, i) => (i === 0 ? 'hang' : 200));
    const clock = new VirtualClock(T0);
    await createTestCampaign(store, 1, 1, T0);
    await writeUpdateCallback(store, 1, 1, T0);
    const { worker: w } = worker(clock, crm.url, { requestTimeoutMs: 500, leaseMs: 5_000 });

    expect(await w.drainOnce()).toBe(0);
    let [row] = await store.listCallbacks({ limit: 1 });
    expect(row!.state).toBe('pending');
    expect(row!.lastError).toMatch(/^timeout/);

    // The receiver now answers at once (a loaded machine might still need another attempt).
    for (let i = 0; i < 5 && row!.state === 'pending'; i++) {
      await clock.advanceTo(row!.nextAttemptAt);
      await w.drainOnce();
      [row] = await store.listCallbacks({ limit: 1 });
    }
    expect(row!.state).toBe('delivered');
    expect(crm.accepted()).toHaveLength(1);
  });

  it('loses nothing while the CRM refuses connections and delivers everything once it is up', async () => {
    const port = await freePort();
    const observer = new RecordingObserver();
    const a = await writeCampaignCallbacks(store, 21, 10, Date.now());
    const b = await writeCampaignCallbacks(store, 22, 5, Date.now());
    const { worker: w } = worker(systemClock, `http://127.0.0.1:${port}`, { backoff: { baseMs: 20, maxMs: 200, jitter: 0.5 }, pollIntervalMs: 50 }, { observer });
    w.start();

    await eventually(() => observer.count('failed') >= 30, 15_000, 'failed attempts while the CRM is down');
    expect(observer.events.find((e) => e.type === 'failed')?.detail).toBe('connection refused');
    expect(observer.count('delivered')).toBe(0);

    const crm = await receiver(undefined, port);
    await eventually(async () => (await store.outboxStats()).delivered === 17, 15_000, 'all callbacks delivered');

    const stats = await store.outboxStats();
    expect(stats).toMatchObject({ pending: 0, dead: 0, delivered: 17 });
    const keys = crm.accepted().map((r) => r.headers['idempotency-key']);
    const expected = [...a.updates, ...b.updates].map((u) => u.callid).concat([finishIdempotencyKey(21), finishIdempotencyKey(22)]);
    expect(new Set(keys)).toEqual(new Set(expected));
    for (const id of [21, 22]) {
      const finishAt = keys.indexOf(finishIdempotencyKey(id));
      const lastUpdateAt = Math.max(...keys.map((k, i) => (String(k).startsWith(`ccs-${id}-`) ? i : -1)));
      expect(finishAt).toBeGreaterThan(lastUpdateAt);
    }
  });

  it("sends a campaign's finish only after all its updates are delivered, even when an update first fails", async () => {
    let failuresLeft = 3;
    const crm = await receiver((r) => {
      if (r.headers['idempotency-key'] === 'ccs-5-2-1' && failuresLeft > 0) {
        failuresLeft--;
        return 503;
      }
      return 200;
    });
    const clock = new VirtualClock(T0);
    await writeCampaignCallbacks(store, 5, 3, T0);
    const { worker: w } = worker(clock, crm.url);

    expect(await w.drainOnce()).toBe(2);
    const finishRow = (await store.listCallbacks({ limit: 10 })).find((r) => r.kind === 'finish')!;
    expect(finishRow).toMatchObject({ state: 'pending', attempts: 0 });
    // 503 three times: retried after 1 s, 2 s and 4 s.
    for (let i = 0; i < 30 && (await store.outboxStats()).pending > 0; i++) {
      await clock.advanceBy(1_000);
      await w.drainOnce();
    }

    const keys = crm.received.map((r) => `${r.headers['idempotency-key']} ${r.status}`);
    expect(keys.filter((k) => k.startsWith('ccs-5-2-1 '))).toEqual(['ccs-5-2-1 503', 'ccs-5-2-1 503', 'ccs-5-2-1 503', 'ccs-5-2-1 200']);
    expect(keys.at(-1)).toBe('finish-5 200');
    expect(keys.filter((k) => k.startsWith('finish-5'))).toHaveLength(1);
    expect((await store.outboxStats()).delivered).toBe(4);
  });

  it('delivers several campaigns at the same time', async () => {
    const inFlight = new Map<string, number>();
    let mostCampaignsAtOnce = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const crm = await receiver(async (r) => {
      const campaign = JSON.parse(r.body).campaignid as number;
      const key = String(campaign);
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      mostCampaignsAtOnce = Math.max(mostCampaignsAtOnce, inFlight.size);
      // Hold every request until three campaigns are in flight together.
      if (inFlight.size >= 3) release();
      await gate;
      const left = inFlight.get(key)! - 1;
      if (left === 0) inFlight.delete(key);
      else inFlight.set(key, left);
      return 200;
    });
    const clock = new VirtualClock(T0);
    for (const id of [31, 32, 33]) await writeCampaignCallbacks(store, id, 2, T0);
    const { worker: w } = worker(clock, crm.url, { concurrency: 8 });

    expect(await w.drainOnce()).toBe(9);
    expect(mostCampaignsAtOnce).toBe(3);
    expect(crm.accepted()).toHaveLength(9);
  });

  it('keeps a callback as dead after its maximum age, lists it, and delivers it after a replay', async () => {
    let status = 500;
    const crm = await receiver(() => status);
    const clock = new VirtualClock(T0);
    const observer = new RecordingObserver();
    await createTestCampaign(store, 9, 1, T0);
    await writeUpdateCallback(store, 9, 1, T0);
    const { worker: w } = worker(clock, crm.url, { maxAgeMs: 10_000, backoff: { baseMs: 1_000, maxMs: 4_000, jitter: 0 } }, { observer });

    const attemptTimes: number[] = [];
    for (let i = 0; i < 20 && (await store.outboxStats()).dead === 0; i++) {
      attemptTimes.push(clock.now());
      await w.drainOnce();
      const next = await store.nextCallbackDueAt();
      if (next !== null) await clock.advanceTo(next);
    }

    // 1 s, 2 s, 4 s, then capped at 4 s, and the last attempt exactly at the 10 s deadline.
    expect(attemptTimes.map((t) => t - T0)).toEqual([0, 1_000, 3_000, 7_000, 10_000]);
    const dead = await store.listCallbacks({ state: 'dead', limit: 10 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ campaignId: 9, kind: 'update', attempts: 5, lastError: 'HTTP 500' });
    expect(observer.count('dead')).toBe(1);
    expect(await w.drainOnce()).toBe(0);
    expect(crm.received).toHaveLength(5);

    status = 200;
    await clock.advanceBy(60_000);
    expect(await store.replayCallback(dead[0]!.id, clock.now())).toBe(true);
    expect(await w.drainOnce()).toBe(1);
    const [row] = await store.listCallbacks({ limit: 1 });
    expect(row).toMatchObject({ state: 'delivered', deliveredAt: clock.now() });
  });

  it('signs each request with HMAC-SHA256 when a secret is set, and a tampered body does not verify', async () => {
    const crm = await receiver();
    const clock = new VirtualClock(T0);
    await writeCampaignCallbacks(store, 4, 1, T0);
    const { worker: w } = worker(clock, crm.url, { hmacSecret: 'crm-shared-secret' });

    expect(await w.drainOnce()).toBe(2);
    for (const r of crm.received) {
      const header = r.headers[SIGNATURE_HEADER.toLowerCase()] as string;
      expect(header).toMatch(new RegExp(`^t=${Math.floor(T0 / 1000)},v1=[0-9a-f]{64}$`));
      expect(verifySignature(header, r.body, 'crm-shared-secret', clock.now())).toBe(true);
      expect(verifySignature(header, r.body.replace('"campaignid":4', '"campaignid":5'), 'crm-shared-secret', clock.now())).toBe(false);
      expect(verifySignature(header, r.body, 'another-secret', clock.now())).toBe(false);
    }
  });

  it('with no CRM URL keeps callbacks waiting, warns once and does not fail', async () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, child: () => logger, warn: (o: unknown) => void warnings.push(o) };
    const clock = new VirtualClock(T0);
    await writeCampaignCallbacks(store, 3, 2, T0);
    const { worker: w } = worker(clock, null, {}, { logger });

    w.start();
    w.wake();
    expect(await w.drainOnce()).toBe(0);
    await clock.advanceBy(3_600_000);
    await w.stop();

    expect(warnings).toHaveLength(1);
    expect(await store.outboxStats()).toMatchObject({ pending: 3, delivered: 0, dead: 0 });
    expect((await store.listCallbacks({ limit: 10 })).every((r) => r.attempts === 0 && r.lastError === null)).toBe(true);
  });

  it('delivers a callback written while the worker sleeps as soon as wake() is called', async () => {
    const crm = await receiver();
    const clock = new VirtualClock(T0);
    await createTestCampaign(store, 8, 1, T0);
    const { worker: w } = worker(clock, crm.url, { pollIntervalMs: 3_600_000 });
    w.start();
    await eventually(() => clock.nextTimerAt() !== null, 5_000, 'the worker to go to sleep');

    await writeUpdateCallback(store, 8, 1, T0);
    w.wake();
    // The virtual clock does not move: only wake() can start this delivery.
    await eventually(async () => (await store.outboxStats()).delivered === 1, 5_000, 'delivery after wake()');
    expect(crm.accepted()).toHaveLength(1);
  });

  it('stop() waits for requests in flight and records their result', async () => {
    let answer!: () => void;
    const crm = await receiver(() => new Promise<number>((resolve) => (answer = () => resolve(200))));
    const clock = new VirtualClock(T0);
    await createTestCampaign(store, 6, 1, T0);
    await writeUpdateCallback(store, 6, 1, T0);
    const { worker: w } = worker(clock, crm.url);
    w.start();
    await eventually(() => crm.received.length === 1, 5_000, 'the request to arrive');

    const stopped = w.stop();
    answer();
    await stopped;
    expect(await store.outboxStats()).toMatchObject({ pending: 0, delivered: 1 });
  });
});
