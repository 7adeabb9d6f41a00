/**
 * A started ARI driver wired to the replay of one captured flow: virtual time follows the
 * transcript (each record moves the clock to its flow time), recordings go to a temporary
 * file store, and every port event is kept for assertions. `until` waits (bounded, in short
 * real pauses) for the replay and the driver to reach a state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { RecordingStore } from '../../../src/ports/recording-store.ts';
import type { PlaceCallRequest, TelephonyDriver, TelephonyEvent } from '../../../src/ports/telephony.ts';
import { createFileRecordingStore } from '../../../src/recordings/file-recording-store.ts';
import type { AriConfigInput } from '../../../src/telephony/asterisk-ari/ari-config.ts';
import { createAriDriver } from '../../../src/telephony/asterisk-ari/ari-driver.ts';
import { REPLAY_PASSWORD, REPLAY_USER, TranscriptReplay, type ReplayOptions } from './transcript-replay.ts';

/** Flow time 0 of every replay. */
export const START = Date.UTC(2026, 10, 26, 15, 0, 0);

export type CallEvent = Extract<TelephonyEvent, { callId: string }>;
export type EndedEvent = Extract<TelephonyEvent, { type: 'ended' }>;

export interface ReplayRig {
  clock: VirtualClock;
  replay: TranscriptReplay;
  driver: TelephonyDriver;
  events: TelephonyEvent[];
  recordings: RecordingStore;
  callEvents(callId: string): CallEvent[];
  ended(callId: string): EndedEvent[];
  until(predicate: () => boolean, what: string, limitMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface ReplayRigOptions {
  config?: Partial<AriConfigInput>;
  replay?: Omit<ReplayOptions, 'flow' | 'onTime'>;
  password?: string;
  /** Do not wait for the driver to come up. */
  noWait?: boolean;
}

export async function startReplayRig(flow: string, options: ReplayRigOptions = {}): Promise<ReplayRig> {
  const clock = new VirtualClock(START);
  const dir = mkdtempSync(join(tmpdir(), 'ccs-ari-replay-'));
  const recordings = createFileRecordingStore(dir, { clock, fsync: false });
  const replay = await TranscriptReplay.start({ flow, onTime: (t) => clock.advanceTo(START + t), ...options.replay });
  const events: TelephonyEvent[] = [];
  let counter = 0;
  const driver = createAriDriver(
    {
      url: replay.url,
      user: REPLAY_USER,
      password: options.password ?? REPLAY_PASSWORD,
      agents: [],
      requestTimeoutMs: 3_600_000,
      ...options.config,
    },
    { clock, recordings, logger: silentLogger, newId: () => `id${++counter}` },
  );
  const callEvents = (callId: string) => events.filter((e): e is CallEvent => 'callId' in e && e.callId === callId);
  const rig: ReplayRig = {
    clock,
    replay,
    driver,
    events,
    recordings,
    callEvents,
    ended: (callId) => callEvents(callId).filter((e): e is EndedEvent => e.type === 'ended'),
    async until(predicate, what, limitMs = 10_000) {
      for (let waited = 0; !predicate(); waited += 5) {
        if (waited >= limitMs) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async close() {
      await driver.stop();
      await replay.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await driver.start((event) => events.push(event));
  if (!options.noWait) await rig.until(() => driver.health().ready, 'the driver to come up');
  return rig;
}

export function callRequest(callId: string, number: string, overrides: Partial<PlaceCallRequest> = {}): PlaceCallRequest {
  return {
    callId,
    number,
    callerId: null,
    ringTimeoutSeconds: 30,
    trunkChannelLimit: 0,
    tags: { campaignId: 1, contactId: 10, attemptNo: 1 },
    ...overrides,
  };
}
