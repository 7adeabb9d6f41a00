/**
 * Shared set-up for the simulator's tests: a started simulated floor on a VirtualClock that
 * records every event, with an in-memory recording store unless one is given.
 */
import { VirtualClock, settleMacrotasks } from '../../src/clock/virtual-clock.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { RecordingStore, StoredRecording } from '../../src/ports/recording-store.ts';
import type { PlaceCallRequest, TelephonyEvent } from '../../src/ports/telephony.ts';
import { createSimulatorDriver, type SimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';
import type { SimulatorConfig } from '../../src/telephony/simulator/simulator-config.ts';

export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

export interface SimulatorHarness {
  clock: VirtualClock;
  driver: SimulatorDriver;
  events: TelephonyEvent[];
  saved: Map<string, Uint8Array>;
}

export function memoryRecordingStore(saved: Map<string, Uint8Array>): RecordingStore {
  return {
    async save(callId, contentType, source): Promise<StoredRecording> {
      const bytes = typeof source === 'function' ? await source() : source;
      let data: Uint8Array;
      if (bytes instanceof Uint8Array) data = bytes;
      else {
        const chunks: Uint8Array[] = [];
        for await (const chunk of bytes) chunks.push(chunk);
        data = Buffer.concat(chunks);
      }
      const key = `mem/${callId}.wav`;
      saved.set(key, data);
      return { key, contentType, size: data.byteLength };
    },
    async locate(key) {
      const data = saved.get(key);
      return data ? { path: `/memory/${key}`, contentType: 'audio/wav', size: data.byteLength } : null;
    },
  };
}

/** `quiet`: the clock does not wait for I/O after each timer (for runs without recording). */
export async function startSimulator(
  config: Partial<SimulatorConfig>,
  options: { recordings?: RecordingStore | ((clock: Clock) => RecordingStore); quiet?: boolean; listener?: (event: TelephonyEvent, h: SimulatorHarness) => void } = {},
): Promise<SimulatorHarness> {
  const saved = new Map<string, Uint8Array>();
  let driver: SimulatorDriver | undefined;
  const clock = new VirtualClock(START, {
    settle: options.quiet
      ? async () => {}
      : async () => {
          await settleMacrotasks(2);
          await driver?.whenIdle();
        },
  });
  driver = createSimulatorDriver(config, {
    clock,
    recordings:
      typeof options.recordings === 'function' ? options.recordings(clock) : (options.recordings ?? memoryRecordingStore(saved)),
    logger: silentLogger,
  });
  const harness: SimulatorHarness = { clock, driver, events: [], saved };
  await driver.start((event) => {
    harness.events.push(event);
    options.listener?.(event, harness);
  });
  return harness;
}

export function callRequest(callId: string, number: string, overrides: Partial<PlaceCallRequest> = {}): PlaceCallRequest {
  return {
    callId,
    number,
    callerId: null,
    ringTimeoutSeconds: 30,
    trunkChannelLimit: 0,
    tags: { campaignId: 1, contactId: 1, attemptNo: 1 },
    ...overrides,
  };
}

export function eventsOf(events: TelephonyEvent[], callId: string): Extract<TelephonyEvent, { callId: string }>[] {
  return events.filter((e): e is Extract<TelephonyEvent, { callId: string }> => 'callId' in e && e.callId === callId);
}
