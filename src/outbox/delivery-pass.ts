/**
 * One delivery pass: claim due callbacks in batches and post them, up to `concurrency` at a
 * time, until nothing more is due. A pipeline with three stages:
 *
 *   claimed queue ──start (≤ concurrency in flight)──▶ request ──2xx──▶ delivered buffer ──▶ markDelivered (one per batch)
 *                                                         └──other──▶ markFailed (back-off, or dead past max age)
 *
 * The queue is refilled with a new claim while requests are still running, once it falls
 * below half a batch (so it does not run dry while the claim runs); the delivered buffer is written before every claim, so a finish whose
 * updates just went out becomes claimable in the same pass (the store only hands out a finish
 * once no update of its campaign is pending). The pass ends when a claim comes back short and
 * everything in flight is settled, or when the worker stops: then queued rows are left to
 * their lease, requests in flight finish (bounded by the request timeout), and the buffer is written.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { CallbackKind, CallbackRecord, OutboxStore } from '../ports/store.ts';
import type { RandomSource } from './backoff.ts';
import type { CallbackSender, SendOutcome } from './callback-sender.ts';
import type { ClaimHealth } from './claim-health.ts';
import type { DeliveryConfig } from './delivery-config.ts';
import type { DeliveryHealth } from './delivery-health.ts';
import type { DeliveryObserver } from './delivery-observer.ts';
import { decideAfterFailure } from './failure-policy.ts';

export interface PassDeps {
  store: OutboxStore;
  sender: CallbackSender;
  clock: Clock;
  logger: Logger;
  observer: DeliveryObserver;
  config: DeliveryConfig;
  random: RandomSource;
  health: DeliveryHealth;
  /** Logs claim failures once per outage and a minute, not once a poll. */
  claimHealth: ClaimHealth;
  /** False once the worker is stopping: claim nothing more, start nothing more. */
  keepGoing(): boolean;
}

export interface PassResult {
  /** Rows handed out by the store during the pass. */
  claimed: number;
  delivered: number;
  failed: number;
  dead: number;
  /** Set when the store failed to claim; the worker then waits a poll interval. */
  error: unknown;
}

interface Claimed {
  row: CallbackRecord;
  leaseUntil: number;
}

/** Ids per markDelivered statement (well under SQLite's bound-parameter limit). */
const MARK_CHUNK = 1000;
/** How long a failed "delivered" acknowledgement is retried before the lease is left to run out. */
const MARK_RETRY_FOR_MS = 10_000;

export function runDeliveryPass(deps: PassDeps): Promise<PassResult> {
  return new DeliveryPass(deps).run();
}

class DeliveryPass {
  private readonly result: PassResult = { claimed: 0, delivered: 0, failed: 0, dead: 0, error: null };
  private queue: Claimed[] = [];
  private head = 0;
  private inFlight = 0;
  /** Ids queued or in flight, so a repeated claim of the same row is never posted twice. */
  private readonly held = new Set<number>();
  private deliveredIds: number[] = [];
  private writes: Promise<void> = Promise.resolve();
  private claiming = false;
  private exhausted = false;
  /** Updates delivered since the last claim began: they may have unblocked a finish. */
  private updatesSinceClaim = 0;
  private finishing = false;
  private resolve!: (result: PassResult) => void;

  constructor(private readonly deps: PassDeps) {}

  run(): Promise<PassResult> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.pump();
    });
  }

  private urlFor(kind: CallbackKind): string | null {
    return kind === 'update' ? this.deps.config.updateUrl : this.deps.config.finishUrl;
  }

  /** Starts what can start, refills the queue, and ends the pass when nothing is left. */
  private pump(): void {
    if (this.finishing) return;
    const { config, clock } = this.deps;
    const going = this.deps.keepGoing();
    while (going && this.inFlight < config.concurrency && this.head < this.queue.length) {
      const item = this.queue[this.head++]!;
      // Not enough lease left to finish the request: leave the row to whoever claims it next.
      if (clock.now() + config.requestTimeoutMs > item.leaseUntil) {
        this.held.delete(item.row.id);
        continue;
      }
      this.start(item.row);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    }
    const queued = this.queue.length - this.head;
    if (this.claiming) return;
    if (going && !this.exhausted && queued < Math.max(config.concurrency, config.batchSize / 2)) return void this.refill();
    if (this.inFlight > 0 || (going && queued > 0)) return;
    if (going && this.updatesSinceClaim > 0 && this.result.error === null) {
      this.exhausted = false;
      return void this.refill();
    }
    this.finishing = true;
    // Stopping: hand the rows claimed but not posted back, so the next worker need not wait out their lease.
    const unsent = this.queue.slice(this.head).map((q) => q.row.id);
    void this.flush()
      .then(() => this.release(unsent))
      .then(() => this.resolve(this.result));
  }

  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      await this.deps.store.releaseCallbacks(ids, this.deps.clock.now());
    } catch (error) {
      // They are due again when their lease runs out.
      this.deps.logger.warn({ err: error, count: ids.length }, 'handing back unsent callbacks failed');
    }
  }

  private async refill(): Promise<void> {
    const { store, clock, config, claimHealth } = this.deps;
    this.claiming = true;
    try {
      // Counted from before the write: an update delivered while it runs may still unblock a finish.
      this.updatesSinceClaim = 0;
      await this.flush();
      const now = clock.now();
      const rows = await store.claimDueCallbacks(now, config.batchSize, config.leaseMs);
      claimHealth.succeeded();
      this.result.claimed += rows.length;
      if (rows.length < config.batchSize) this.exhausted = true;
      // Drop what has been started, so the queue never retains delivered rows.
      if (this.head > 0) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      for (const row of rows) {
        // A kind without a URL waits: its lease runs out and it is claimed again later.
        if (this.held.has(row.id) || this.urlFor(row.kind) === null) continue;
        this.held.add(row.id);
        this.queue.push({ row, leaseUntil: now + config.leaseMs });
      }
    } catch (error) {
      this.result.error = error;
      this.exhausted = true;
      claimHealth.failed(error);
    } finally {
      this.claiming = false;
      this.pump();
    }
  }

  private start(row: CallbackRecord): void {
    this.inFlight++;
    this.deliver(row)
      .catch((error) => this.deps.logger.error({ err: error, callbackId: row.id, campaignId: row.campaignId }, 'callback delivery bookkeeping failed'))
      .finally(() => {
        this.held.delete(row.id);
        this.inFlight--;
        this.pump();
      });
  }

  private async deliver(row: CallbackRecord): Promise<void> {
    const { sender, clock, observer, health, store, config, random, logger } = this.deps;
    const url = this.urlFor(row.kind)!;
    const outcome = await sender
      .send({ url, body: row.payload, idempotencyKey: row.idempotencyKey })
      .catch((error: unknown): SendOutcome => ({ ok: false, reason: `sender error: ${String((error as Error)?.message ?? error)}`.slice(0, 200) }));
    const now = clock.now();
    if (outcome.ok) {
      this.result.delivered++;
      if (row.kind === 'update') this.updatesSinceClaim++;
      this.deliveredIds.push(row.id);
      observer.delivered(row.kind, now - row.createdAt);
      health.succeeded();
      if (this.deliveredIds.length >= config.batchSize) void this.flush();
      return;
    }
    this.result.failed++;
    observer.failed(row.kind, outcome.reason);
    health.failed(url, outcome.reason);
    const decision = decideAfterFailure(row, now, config, random);
    logger.debug(
      { callbackId: row.id, campaignId: row.campaignId, kind: row.kind, reason: outcome.reason, attempts: row.attempts + 1, nextAttemptAt: decision.nextAttemptAt },
      'callback delivery failed',
    );
    await store.markFailed(row.id, outcome.reason, decision.nextAttemptAt, decision.dead);
    if (decision.dead) {
      this.result.dead++;
      observer.dead(row.kind);
      logger.warn(
        { callbackId: row.id, campaignId: row.campaignId, kind: row.kind, attempts: row.attempts + 1, reason: outcome.reason },
        'callback passed its maximum age and is kept as dead (replayable)',
      );
    }
  }

  /** Writes the delivered buffer; calls are chained so two writes never overlap. */
  private flush(): Promise<void> {
    const { store, clock, logger } = this.deps;
    this.writes = this.writes.then(async () => {
      while (this.deliveredIds.length > 0) {
        const ids = this.deliveredIds.splice(0, MARK_CHUNK);
        // A short store outage should not cost a re-post after the lease (and hold a finish
        // back that long): the acknowledgement is retried for a while first.
        const giveUpAt = clock.now() + MARK_RETRY_FOR_MS;
        for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
          try {
            await store.markDelivered(ids, clock.now());
            break;
          } catch (error) {
            if (clock.now() + delay > giveUpAt) {
              // The rows stay pending and leased: they are posted again once the lease runs out.
              logger.error({ err: error, count: ids.length }, 'marking callbacks delivered failed');
              break;
            }
            await new Promise<void>((resolve) => clock.setTimer(delay, resolve));
          }
        }
      }
    });
    return this.writes;
  }
}
