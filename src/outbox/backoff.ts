/**
 * Exponential back-off between delivery attempts of one callback: the ceiling doubles with
 * each failure from `baseMs` up to `maxMs`, and a share `jitter` of it is randomised so that
 * callbacks that failed together (a CRM outage) do not all come back in the same instant.
 * `jitter` 1 is "full jitter" (uniform in (0, ceiling]), 0.5 "equal jitter" (uniform in
 * [ceiling/2, ceiling]), 0 a fixed schedule. Pure: the random source is a parameter.
 */
import type { BackoffConfig } from './delivery-config.ts';

/** A source of numbers uniform in [0, 1), like Math.random. */
export type RandomSource = () => number;

/** The ceiling for the delay after the `failures`-th failed attempt (1-based). */
export function backoffCeiling(failures: number, backoff: Pick<BackoffConfig, 'baseMs' | 'maxMs'>): number {
  const doublings = Math.max(0, Math.floor(failures) - 1);
  // 2^doublings overflows to Infinity long before it matters; the min() caps it.
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(doublings, 1024));
}

/** Milliseconds to wait after the `failures`-th failed attempt before trying again; always ≥ 1. */
export function backoffDelay(failures: number, backoff: BackoffConfig, random: RandomSource): number {
  const ceiling = backoffCeiling(failures, backoff);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.max(1, Math.round(ceiling * (1 - backoff.jitter * r)));
}
