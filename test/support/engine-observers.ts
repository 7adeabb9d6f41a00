/**
 * What the engine harness puts between the engine and its adapters: a store wrapper that knows
 * which store calls are still in flight (so virtual time waits for them) and can hold chosen
 * calls back, and a floor wrapper that records every command the engine gives the floor and
 * the most legs up at once, in all and per subscriber.
 */
import { subscriberKey } from '../../src/domain/phone-number.ts';
import type { VirtualClock } from '../../src/clock/virtual-clock.ts';
import type { Store } from '../../src/ports/store.ts';
import type { PlaceCallRequest, TelephonyDriver, TelephonyEvent } from '../../src/ports/telephony.ts';
import type { SimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';

export interface PlacedCall {
  at: number;
  request: PlaceCallRequest;
}

/** What the floor wrapper records. */
export interface FloorRecord {
  clock: VirtualClock;
  placed: PlacedCall[];
  hangups: { at: number; callId: string }[];
  events: (TelephonyEvent & { seenAt: number })[];
  peaks: { live: number; perSubscriber: number };
}

/** Holds a store call back (not counted as pending: virtual time goes on meanwhile, as with a slow database). */
export type StoreDelay = (method: string, args: unknown[]) => Promise<void> | null;

export function trackedStore(store: Store, delay: StoreDelay | undefined): { store: Store; pending: Set<Promise<unknown>> } {
  const pending = new Set<Promise<unknown>>();
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      wrapped[key] = value;
      continue;
    }
    const call = (args: unknown[]) => {
      const result = (value as (...a: unknown[]) => unknown).apply(store, args);
      if (result instanceof Promise) {
        pending.add(result);
        const done = () => pending.delete(result);
        result.then(done, done);
      }
      return result;
    };
    wrapped[key] = (...args: unknown[]) => {
      const held = delay?.(key, args) ?? null;
      return held ? held.then(() => call(args)) : call(args);
    };
  }
  return { store: wrapped as unknown as Store, pending };
}

/** Wraps the floor so the test sees every command the engine gives it. */
export function observedDriver(inner: SimulatorDriver, h: FloorRecord): SimulatorDriver {
  const live = new Map<string, string>();
  const perSubscriber = new Map<string, number>();
  const up = (callId: string, number: string) => {
    const key = subscriberKey(number);
    live.set(callId, key);
    perSubscriber.set(key, (perSubscriber.get(key) ?? 0) + 1);
    h.peaks.live = Math.max(h.peaks.live, live.size);
    h.peaks.perSubscriber = Math.max(h.peaks.perSubscriber, perSubscriber.get(key)!);
  };
  const down = (callId: string) => {
    const key = live.get(callId);
    if (key === undefined) return;
    live.delete(callId);
    perSubscriber.set(key, perSubscriber.get(key)! - 1);
  };
  const overrides: Pick<TelephonyDriver, 'start' | 'placeCall' | 'hangup'> = {
    start: (listener) =>
      inner.start((event) => {
        h.events.push({ ...event, seenAt: h.clock.now() });
        if (event.type === 'ended') down(event.callId);
        listener(event);
      }),
    async placeCall(request) {
      h.placed.push({ at: h.clock.now(), request });
      up(request.callId, request.number);
      try {
        await inner.placeCall(request);
      } catch (error) {
        down(request.callId);
        throw error;
      }
    },
    async hangup(callId) {
      h.hangups.push({ at: h.clock.now(), callId });
      await inner.hangup(callId);
    },
  };
  return { ...inner, ...overrides };
}
