/**
 * The retrying recording store: a failed write is tried again with a back-off until it lands
 * or the bound passes; only what can be produced again is retried; losses are counted and
 * readiness says why recordings cannot be stored.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { RecordingData, RecordingStore, StoredRecording } from '../../src/ports/recording-store.ts';
import { RecordingHealth } from '../../src/recordings/recording-health.ts';
import { createRetryingRecordingStore } from '../../src/recordings/retrying-recording-store.ts';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);

/** A store that refuses writes until `failUntil`, then keeps the bytes it was given. */
function flakyStore(clock: VirtualClock, failUntil: number) {
  const tries: number[] = [];
  const saved = new Map<string, Uint8Array>();
  const store: RecordingStore = {
    async save(callId, contentType, data: RecordingData): Promise<StoredRecording> {
      tries.push(clock.now());
      const bytes = typeof data === 'function' ? await data() : data;
      if (clock.now() < failUntil) throw new Error('ENOSPC: no space left on device');
      const chunks: Uint8Array[] = [];
      for await (const c of bytes instanceof Uint8Array ? [bytes] : bytes) chunks.push(c);
      saved.set(callId, Buffer.concat(chunks));
      return { key: `k/${callId}.wav`, contentType, size: saved.get(callId)!.byteLength };
    },
    locate: async () => null,
  };
  return { store, tries, saved };
}

async function settle<T>(clock: VirtualClock, promise: Promise<T>, limitMs = 120_000): Promise<T> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let t = 0; !done && t < limitMs; t += 250) await clock.advanceBy(250);
  return promise;
}

describe('retrying recording store', () => {
  it('a write refused for 20 s is tried again with a growing pause and lands; readiness is false meanwhile and true after', async () => {
    const clock = new VirtualClock(T0);
    const health = new RecordingHealth();
    const flaky = flakyStore(clock, T0 + 20_000);
    const store = createRetryingRecordingStore(flaky.store, { clock, logger: silentLogger, health });
    let produced = 0;
    const saving = store.save('ccs-1-1-1', 'audio/wav', () => {
      produced++;
      return new Uint8Array([1, 2, 3]);
    });
    await clock.advanceBy(5_000);
    expect(health.readiness(clock.now())).toMatchObject({ ok: false, reason: expect.stringContaining('ENOSPC') });
    await expect(settle(clock, saving)).resolves.toMatchObject({ key: 'k/ccs-1-1-1.wav', size: 3 });
    const pauses = flaky.tries.slice(1).map((t, i) => t - flaky.tries[i]!);
    expect(pauses.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(pauses.every((p) => p <= 8000)).toBe(true);
    expect(produced).toBe(flaky.tries.length);
    expect(health).toMatchObject({ lostTotal: 0, retriesTotal: flaky.tries.length - 1 });
    expect(health.readiness(clock.now())).toEqual({ ok: true });
  });

  it('past the bound the save fails, the loss is counted and named in readiness, and no try starts after the bound', async () => {
    const clock = new VirtualClock(T0);
    const health = new RecordingHealth();
    const flaky = flakyStore(clock, T0 + 3_600_000);
    const store = createRetryingRecordingStore(flaky.store, { clock, logger: silentLogger, health, retryForMs: 30_000 });
    await expect(settle(clock, store.save('ccs-1-2-1', 'audio/wav', new Uint8Array([1])))).rejects.toThrow(/ENOSPC/);
    expect(flaky.tries.at(-1)! - T0).toBeLessThanOrEqual(30_000);
    expect(health.lostTotal).toBe(1);
    const readiness = health.readiness(clock.now());
    expect(readiness.ok).toBe(false);
    expect(readiness.reason).toContain('1 recording(s) lost');
    expect(readiness.reason).toContain('ccs-1-2-1');
  });

  it('a stream that can be read only once is not retried: the first failure is the loss', async () => {
    const clock = new VirtualClock(T0);
    const health = new RecordingHealth();
    const flaky = flakyStore(clock, T0 + 10_000);
    const store = createRetryingRecordingStore(flaky.store, { clock, logger: silentLogger, health });
    async function* stream() {
      yield new Uint8Array([1]);
    }
    await expect(store.save('ccs-1-3-1', 'audio/wav', stream())).rejects.toThrow(/ENOSPC/);
    expect(flaky.tries).toHaveLength(1);
    expect(health.lostTotal).toBe(1);
  });

  it('a source that fails by itself (the PBX lost the file) is not retried and is no storage loss', async () => {
    const clock = new VirtualClock(T0);
    const health = new RecordingHealth();
    const flaky = flakyStore(clock, T0);
    const store = createRetryingRecordingStore(flaky.store, { clock, logger: silentLogger, health });
    await expect(
      store.save('ccs-1-4-1', 'audio/wav', () => {
        throw new Error('ARI GET /recordings/stored/ccs-ccs-1-4-1/file: 404 Recording not found');
      }),
    ).rejects.toThrow(/404 Recording not found/);
    expect(flaky.tries).toHaveLength(1);
    expect(health).toMatchObject({ lostTotal: 0, retriesTotal: 0 });
    expect(health.readiness(clock.now())).toEqual({ ok: true });
  });
});
