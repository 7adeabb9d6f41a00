import { afterEach, describe, expect, it, vi } from 'vitest';
import { STOP_STEP_MS, stopStep } from '../../src/service-stop.ts';
import { recordingLogger, type LogLine } from '../support/compliance-harness.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('a step of the service stop', () => {
  it('finishes as usual, logging nothing', async () => {
    const logs: LogLine[] = [];
    expect(await stopStep(recordingLogger(logs), 'outbox', async () => {})).toBe(true);
    expect(logs).toEqual([]);
  });

  it('that never finishes is given up after its bound, named in a warning, and the stop goes on', async () => {
    vi.useFakeTimers();
    const logs: LogLine[] = [];
    const result = stopStep(recordingLogger(logs), 'callback delivery', () => new Promise(() => {}), 5_000);
    await vi.advanceTimersByTimeAsync(STOP_STEP_MS + 4_999);
    expect(logs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toBe(false);
    expect(logs.map((l) => [l.level, l.fields.step])).toEqual([['warn', 'callback delivery']]);
  });

  it('that fails passes its error on', async () => {
    await expect(stopStep(recordingLogger([]), 'engine', async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
  });
});
