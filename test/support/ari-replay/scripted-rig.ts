/**
 * The ARI driver wired to the scripted Asterisk on one virtual clock. `advance(ms)` moves
 * the clock in steps and lets real I/O (REST, WebSocket frames on 127.0.0.1) flow between
 * timers, so delayed events and the driver's reactions interleave as they would in time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock, settleMacrotasks } from '../../../src/clock/virtual-clock.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { RecordingStore } from '../../../src/ports/recording-store.ts';
import type { TelephonyDriver, TelephonyEvent } from '../../../src/ports/telephony.ts';
import { createFileRecordingStore } from '../../../src/recordings/file-recording-store.ts';
import type { AriConfigInput } from '../../../src/telephony/asterisk-ari/ari-config.ts';
import { createAriDriver } from '../../../src/telephony/asterisk-ari/ari-driver.ts';
import { START, type CallEvent, type EndedEvent } from './replay-rig.ts';
import { ScriptedAri, type ScriptedAriOptions } from './scripted-ari.ts';

/** Lets loopback I/O complete: a few event-loop turns and a short real pause. */
export async function settleIo(): Promise<void> {
  await settleMacrotasks(3);
  await new Promise((resolve) => setTimeout(resolve, 1));
  await settleMacrotasks(2);
}

export interface ScriptedRig {
  clock: VirtualClock;
  ari: ScriptedAri;
  driver: TelephonyDriver;
  events: TelephonyEvent[];
  recordings: RecordingStore;
  callEvents(callId: string): CallEvent[];
  ended(callId: string): EndedEvent[];
  /** Lets virtual time pass in 100 ms steps until `predicate` holds (bounded). */
  until(predicate: () => boolean, what: string, limitMs?: number): Promise<void>;
  advance(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

export async function createScriptedRig(
  config: Partial<AriConfigInput> = {},
  ariOptions: Omit<ScriptedAriOptions, 'clock'> = {},
  options: { start?: boolean; recordings?: (files: RecordingStore, clock: VirtualClock) => RecordingStore } = {},
): Promise<ScriptedRig> {
  const clock = new VirtualClock(START, { settle: settleIo });
  const ari = await ScriptedAri.start({ clock, ...ariOptions });
  const dir = mkdtempSync(join(tmpdir(), 'ccs-ari-scripted-'));
  const files = createFileRecordingStore(dir, { clock, fsync: false });
  const recordings = options.recordings ? options.recordings(files, clock) : files;
  let counter = 0;
  const driver = createAriDriver(
    { url: ari.url, user: ari.user, password: ari.password, agents: [], ...config },
    { clock, recordings, logger: silentLogger, newId: () => `id${++counter}` },
  );
  const events: TelephonyEvent[] = [];
  const callEvents = (callId: string) => events.filter((e): e is CallEvent => 'callId' in e && e.callId === callId);
  const advance = async (ms: number) => {
    for (let left = ms; left > 0; left -= 100) await clock.advanceBy(Math.min(100, left));
    await settleIo();
  };
  const rig: ScriptedRig = {
    clock,
    ari,
    driver,
    events,
    recordings,
    callEvents,
    ended: (callId) => callEvents(callId).filter((e): e is EndedEvent => e.type === 'ended'),
    advance,
    async until(predicate, what, limitMs = 20_000) {
      for (let waited = 0; !predicate(); waited += 100) {
        if (waited >= limitMs) throw new Error(`timed out after ${limitMs} ms (virtual) waiting for ${what}`);
        await advance(100);
      }
    },
    async teardown() {
      await driver.stop();
      await ari.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  if (options.start !== false) {
    await driver.start((event) => events.push(event));
    await rig.until(() => driver.health().ready, 'the driver up');
  }
  return rig;
}
