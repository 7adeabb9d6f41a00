/**
 * The worker's pipeline against an in-memory outbox and a scripted sender: how many requests
 * run at once, how deliveries are written back, what a kind without a URL does.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { silentLogger, type Logger } from '../../../src/ports/logger.ts';
import type { CallbackKind, CallbackRecord, OutboxStore } from '../../../src/ports/store.ts';
import type { CallbackRequest, CallbackSender, SendOutcome } from '../../../src/outbox/callback-sender.ts';
import { resolveDeliveryConfig, type DeliveryConfigInput } from '../../../src/outbox/delivery-config.ts';
import { createDeliveryWorker } from '../../../src/outbox/delivery-worker.ts';

const T0 = 1_700_000_000_000;

/** Just enough of the outbox: the same claim rule as the SQL store (a finish waits for its campaign's updates). */
class MemoryOutbox implements OutboxStore {
  rows: CallbackRecord[] = [];
  markDeliveredCalls: number[][] = [];

  add(campaignId: number, kind: CallbackKind, count = 1): void {
    for (let i = 0; i < count; i++) {
      const id = this.rows.length + 1;
      this.rows.push({ id, campaignId, kind, idempotencyKey: `${kind}-${id}`, payload: `{"n":${id}}`, createdAt: T0, nextAttemptAt: T0, attempts: 0, state: 'pending', lastError: null, deliveredAt: null });
    }
  }

  async claimDueCallbacks(now: number, limit: number, leaseMs: number) {
    const blocked = new Set(this.rows.filter((r) => r.kind === 'update' && r.state === 'pending').map((r) => r.campaignId));
    const due = this.rows.filter((r) => r.state === 'pending' && r.nextAttemptAt <= now && (r.kind === 'update' || !blocked.has(r.campaignId))).slice(0, limit);
    for (const r of due) r.nextAttemptAt = now + leaseMs;
    return due.map((r) => ({ ...r }));
  }
  async markDelivered(ids: readonly number[], at: number) {
    this.markDeliveredCalls.push([...ids]);
    for (const id of ids) Object.assign(this.rows[id - 1]!, { state: 'delivered', deliveredAt: at, attempts: this.rows[id - 1]!.attempts + 1 });
  }
  async markFailed(id: number, error: string, nextAttemptAt: number, dead: boolean) {
    const r = this.rows[id - 1]!;
    if (r.state === 'pending') Object.assign(r, { state: dead ? 'dead' : 'pending', lastError: error, nextAttemptAt, attempts: r.attempts + 1 });
  }
  async releaseCallbacks(ids: readonly number[], at: number) {
    for (const id of ids) {
      const r = this.rows[id - 1]!;
      if (r.state === 'pending' && r.nextAttemptAt > at) r.nextAttemptAt = at;
    }
  }
  async listCallbacks() {
    return this.rows;
  }
  async getCallback(id: number) {
    return this.rows[id - 1];
  }
  async replayCallback() {
    return false;
  }
  async outboxStats() {
    return { pending: this.count('pending'), dead: this.count('dead'), delivered: this.count('delivered'), oldestPendingAt: null };
  }
  async nextCallbackDueAt() {
    const due = this.rows.filter((r) => r.state === 'pending').map((r) => r.nextAttemptAt);
    return due.length ? Math.min(...due) : null;
  }
  async pruneDeliveredCallbacks() {
    return 0;
  }
  count(state: CallbackRecord['state']) {
    return this.rows.filter((r) => r.state === state).length;
  }
}

/** Answers every request on the next macrotask with `answer(request)`, counting concurrency. */
class ScriptedSender implements CallbackSender {
  sent: CallbackRequest[] = [];
  inFlight = 0;
  mostInFlight = 0;
  constructor(private readonly answer: (r: CallbackRequest) => SendOutcome = () => ({ ok: true, status: 200 })) {}
  async send(request: CallbackRequest): Promise<SendOutcome> {
    this.sent.push(request);
    this.inFlight++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
    await new Promise((r) => setImmediate(r));
    this.inFlight--;
    return this.answer(request);
  }
  async close() {}
}

function setup(input: DeliveryConfigInput, sender = new ScriptedSender(), logger: Logger = silentLogger) {
  const store = new MemoryOutbox();
  const clock = new VirtualClock(T0);
  const config = resolveDeliveryConfig({ updateUrl: 'http://crm/api/updateCampaign', finishUrl: 'http://crm/api/finishCampaign', ...input });
  const worker = createDeliveryWorker({ store, sender, clock, logger, config, random: () => 0 });
  return { store, clock, sender, worker };
}

describe('delivery worker pipeline', () => {
  it('never has more than `concurrency` requests in flight, and uses all of them', async () => {
    const { store, sender, worker } = setup({ concurrency: 4, batchSize: 10 });
    store.add(1, 'update', 50);
    expect(await worker.drainOnce()).toBe(50);
    expect(sender.mostInFlight).toBe(4);
  });

  it('writes deliveries back in batches, each callback exactly once', async () => {
    const { store, worker } = setup({ concurrency: 16, batchSize: 100 });
    store.add(1, 'update', 400);
    expect(await worker.drainOnce()).toBe(400);
    const ids = store.markDeliveredCalls.flat();
    expect(ids.sort((a, b) => a - b)).toEqual(store.rows.map((r) => r.id));
    expect(store.markDeliveredCalls.length).toBeLessThanOrEqual(8);
  });

  it('sends the finish in the same pass once its updates are written as delivered', async () => {
    const { store, sender, worker } = setup({ concurrency: 8, batchSize: 50 });
    store.add(1, 'update', 20);
    store.add(1, 'finish');
    expect(await worker.drainOnce()).toBe(21);
    expect(sender.sent.at(-1)?.url).toBe('http://crm/api/finishCampaign');
    expect(sender.sent.slice(0, 20).every((r) => r.url === 'http://crm/api/updateCampaign')).toBe(true);
  });

  it('posts the stored body and idempotency key unchanged', async () => {
    const { store, sender, worker } = setup({});
    store.add(3, 'update');
    await worker.drainOnce();
    expect(sender.sent).toEqual([{ url: 'http://crm/api/updateCampaign', body: '{"n":1}', idempotencyKey: 'update-1' }]);
  });

  it('reschedules failures with back-off and does not retry them within the same pass', async () => {
    const sender = new ScriptedSender((r) => (r.idempotencyKey === 'update-2' ? { ok: false, reason: 'HTTP 502', status: 502 } : { ok: true, status: 200 }));
    const { store, worker } = setup({ backoff: { baseMs: 5_000, jitter: 0 } }, sender);
    store.add(1, 'update', 3);
    expect(await worker.drainOnce()).toBe(2);
    expect(sender.sent).toHaveLength(3);
    expect(store.rows[1]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'HTTP 502', nextAttemptAt: T0 + 5_000 });
  });

  it('leaves callbacks of a kind without a URL in the outbox untouched', async () => {
    const { store, sender, worker } = setup({ finishUrl: null });
    store.add(1, 'update', 2);
    store.add(1, 'finish');
    expect(await worker.drainOnce()).toBe(2);
    expect(sender.sent.map((r) => r.url)).toEqual(['http://crm/api/updateCampaign', 'http://crm/api/updateCampaign']);
    expect(store.rows[2]).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
  });

  it('a stop hands back the callbacks it claimed and did not post: due at once, not at the end of their lease', async () => {
    let answerFirst!: () => void;
    const first = new Promise<void>((resolve) => (answerFirst = resolve));
    const sent: string[] = [];
    const gated: CallbackSender = {
      async send(request) {
        sent.push(request.idempotencyKey);
        if (sent.length === 1) await first;
        return { ok: true, status: 200 };
      },
      async close() {},
    };
    const { store, worker } = setup({ concurrency: 1, batchSize: 10, leaseMs: 60_000 }, gated as ScriptedSender);
    store.add(1, 'update', 5);
    worker.start();
    for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setImmediate(r));
    const stopped = worker.stop();
    answerFirst();
    await stopped;
    expect(sent).toEqual(['update-1']); // the request in flight ends; nothing new starts
    expect(store.rows[0]).toMatchObject({ state: 'delivered' });
    expect(store.rows.slice(1).map((r) => [r.state, r.nextAttemptAt])).toEqual(Array.from({ length: 4 }, () => ['pending', T0]));
  });

  it('does nothing at all without any URL', async () => {
    const { store, sender, worker } = setup({ updateUrl: null, finishUrl: null });
    store.add(1, 'update', 2);
    worker.start();
    worker.wake();
    expect(await worker.drainOnce()).toBe(0);
    await worker.stop();
    expect(sender.sent).toHaveLength(0);
  });
});

/** Records every line with its level, whatever child it was logged through. */
function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) =>
    void lines.push(typeof obj === 'string' ? { level, obj: {}, msg: obj } : { level, obj: obj as Record<string, unknown>, msg: msg ?? '' });
  const logger: Logger = { child: () => logger, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('delivery worker during a store outage', () => {
  it('logs a claim outage once at the start, once a minute while it lasts, and once when claims succeed again', async () => {
    const { logger, lines } = recordingLogger();
    const { store, clock, sender, worker } = setup({ pollIntervalMs: 1_000 }, new ScriptedSender(), logger);
    store.add(1, 'update');
    const outageEnds = T0 + 180_000;
    const claim = store.claimDueCallbacks.bind(store);
    let claims = 0;
    store.claimDueCallbacks = async (now, limit, leaseMs) => {
      claims++;
      if (clock.now() < outageEnds) throw new Error('connection terminated');
      return claim(now, limit, leaseMs);
    };
    worker.start();
    await clock.advanceTo(T0 + 200_000);
    await worker.stop();

    expect(claims).toBeGreaterThanOrEqual(180); // it did retry every poll interval
    expect(sender.sent).toHaveLength(1);
    const outageLines = lines.filter((l) => l.msg !== 'callback delivery started');
    // 180 failed claims (0 s … 179 s): the first, summaries at 60 s and 120 s, then the resume at 180 s.
    expect(outageLines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'claiming due callbacks failed; retrying every poll interval, callbacks stay in the outbox'],
      ['warn', 'claiming due callbacks still failing'],
      ['warn', 'claiming due callbacks still failing'],
      ['info', 'callback delivery resumed after 180 s'],
    ]);
    expect((outageLines[0]!.obj.err as Error).message).toBe('connection terminated');
    expect(outageLines[1]!.obj).toMatchObject({ failedAttempts: 60, failedAttemptsTotal: 61 });
    expect((outageLines[1]!.obj.err as Error).message).toBe('connection terminated');
    expect(outageLines[2]!.obj).toMatchObject({ failedAttempts: 60, failedAttemptsTotal: 121 });
    expect(outageLines[3]!.obj).toMatchObject({ failedAttempts: 180 });
  });

  it('a second outage starts with a warning again', async () => {
    const { logger, lines } = recordingLogger();
    const { store, clock, worker } = setup({ pollIntervalMs: 1_000 }, new ScriptedSender(), logger);
    const down = (t: number) => (t >= T0 && t < T0 + 5_000) || (t >= T0 + 10_000 && t < T0 + 12_000);
    const claim = store.claimDueCallbacks.bind(store);
    store.claimDueCallbacks = async (now, limit, leaseMs) => {
      if (down(clock.now())) throw new Error('connection terminated');
      return claim(now, limit, leaseMs);
    };
    worker.start();
    await clock.advanceTo(T0 + 20_000);
    await worker.stop();
    expect(lines.filter((l) => l.msg !== 'callback delivery started').map((l) => [l.level, l.msg.startsWith('claiming') ? 'claim failed' : l.msg])).toEqual([
      ['warn', 'claim failed'],
      ['info', 'callback delivery resumed after 5 s'],
      ['warn', 'claim failed'],
      ['info', 'callback delivery resumed after 2 s'],
    ]);
  });
});
