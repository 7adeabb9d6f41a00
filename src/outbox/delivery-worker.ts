/**
 * The CRM callback delivery worker: drains the transactional outbox to the CRM.
 *
 * States: idle ──start()──▶ running ⇄ sleeping ──stop()──▶ stopped (start() again is allowed).
 * While running it repeats a delivery pass (see delivery-pass.ts), then sleeps until the next
 * callback is due or `pollIntervalMs` passes, whichever is first; `wake()` (called right after
 * a callback row is written) ends the sleep at once so delivery starts immediately. Passes
 * never overlap: `drainOnce()` waits for the running one. All waiting goes through the Clock.
 *
 * With neither URL configured the worker warns once at start and does nothing: callbacks
 * wait in the outbox until the service runs with a CRM URL. `stop()` claims nothing more,
 * lets requests in flight finish (each bounded by the request timeout), records their
 * results, and resolves; rows it had claimed but not started are due again after their lease.
 */
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { OutboxStore } from '../ports/store.ts';
import type { RandomSource } from './backoff.ts';
import type { CallbackSender } from './callback-sender.ts';
import { ClaimHealth } from './claim-health.ts';
import type { DeliveryConfig } from './delivery-config.ts';
import { DeliveryHealth } from './delivery-health.ts';
import { noopDeliveryObserver, type DeliveryObserver } from './delivery-observer.ts';
import { runDeliveryPass, type PassResult } from './delivery-pass.ts';

export interface DeliveryWorkerOptions {
  store: OutboxStore;
  sender: CallbackSender;
  clock: Clock;
  logger: Logger;
  observer?: DeliveryObserver;
  config: DeliveryConfig;
  /** Jitter source; Math.random unless a test fixes it. */
  random?: RandomSource;
}

export interface DeliveryWorker {
  start(): void;
  /** Stops claiming, waits for requests in flight (bounded by the request timeout) and records them. */
  stop(): Promise<void>;
  /** A callback was just written: look at the outbox now instead of at the end of the sleep. */
  wake(): void;
  /** One pass over everything due now, posted and recorded; resolves with the number delivered. */
  drainOnce(): Promise<number>;
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, clock, config } = options;
  const logger = options.logger.child({ component: 'callback-delivery' });
  const health = new DeliveryHealth(logger);
  const configured = config.updateUrl !== null || config.finishUrl !== null;

  let running = false;
  let stopping = false;
  let wakeRequested = false;
  let loop: Promise<void> | null = null;
  let sleeper: { timer: TimerHandle; resolve: () => void } | null = null;
  let passes: Promise<unknown> = Promise.resolve();

  const passDeps = {
    store,
    sender: options.sender,
    clock,
    logger,
    observer: options.observer ?? noopDeliveryObserver,
    config,
    random: options.random ?? Math.random,
    health,
    claimHealth: new ClaimHealth(clock, logger),
    keepGoing: () => !stopping,
  };

  /** Runs one pass after the previous one has ended. */
  function pass(): Promise<PassResult> {
    const next = passes.then(() => runDeliveryPass(passDeps));
    passes = next.catch(() => undefined);
    return next;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = clock.setTimer(ms, () => {
        sleeper = null;
        resolve();
      });
      sleeper = { timer, resolve };
    });
  }

  function interruptSleep(): void {
    const s = sleeper;
    if (!s) return;
    sleeper = null;
    s.timer.cancel();
    s.resolve();
  }

  /** How long to sleep after a pass; 0 means go again at once. */
  async function pause(result: PassResult): Promise<number> {
    if (result.error !== null) return config.pollIntervalMs;
    const next = await store.nextCallbackDueAt();
    if (next === null) return config.pollIntervalMs;
    const delay = Math.min(config.pollIntervalMs, Math.max(0, next - clock.now()));
    // Something is due yet nothing could be claimed: a finish waiting for its campaign's
    // updates. Those updates' own retry times are hidden behind it, so poll.
    return delay === 0 && result.claimed === 0 ? config.pollIntervalMs : delay;
  }

  async function runLoop(): Promise<void> {
    let erroring = false;
    while (running) {
      wakeRequested = false;
      let delay: number;
      try {
        const result = await pass();
        if (!running) break;
        delay = wakeRequested ? 0 : await pause(result);
        erroring = false;
      } catch (error) {
        if (!erroring) logger.error({ err: error }, 'callback delivery loop failed; retrying');
        erroring = true;
        delay = config.pollIntervalMs;
      }
      if (delay > 0 && running && !wakeRequested) await sleep(delay);
    }
  }

  return {
    start() {
      if (running) return;
      if (!configured) {
        logger.warn('no CRM callback URL configured: callbacks are kept in the outbox and sent once one is set');
        return;
      }
      if (config.updateUrl === null || config.finishUrl === null) {
        logger.warn({ missing: config.updateUrl === null ? 'updateUrl' : 'finishUrl' }, 'one CRM callback URL is not configured: those callbacks wait in the outbox');
      }
      logger.info({ updateUrl: config.updateUrl, finishUrl: config.finishUrl, concurrency: config.concurrency }, 'callback delivery started');
      running = true;
      loop = runLoop();
    },

    async stop() {
      if (!loop) return;
      running = false;
      stopping = true;
      interruptSleep();
      try {
        await loop;
        await passes;
      } finally {
        loop = null;
        stopping = false;
      }
    },

    wake() {
      if (!running) return;
      wakeRequested = true;
      interruptSleep();
    },

    async drainOnce() {
      if (!configured) return 0;
      return (await pass()).delivered;
    },
  };
}
