/**
 * One pacing run: the real engine (`createEngine`) dialling one large campaign on the
 * simulated call floor, in virtual time, with the in-memory store. The pacing benchmark and
 * the pacing simulation test both use it, so what they measure is the code the service runs.
 *
 * The campaign is created through the store API with enough contacts never to run dry
 * (retries included), the floor's virtual agents sign themselves in, and the clock is moved
 * to the end of the run; the figures come from the engine's events (`FloorMetricsCollector`).
 */
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import type { ContactRequest } from '../../src/domain/campaign-request.ts';
import type { DialMode, Profile } from '../../src/domain/profile.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../src/config/profiles.ts';
import { basicDialPolicy } from '../../src/engine/dial-policy.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import type { EngineEvents } from '../../src/engine/engine-events.ts';
import { defaultPacers, type PacerRegistry } from '../../src/engine/pacer.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { RecordingStore } from '../../src/ports/recording-store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createSimulatorDriver, type SimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';
import { FloorMetricsCollector, type FloorMetrics } from './pacing-floor-metrics.ts';

export const FLOOR_START = Date.UTC(2026, 0, 5, 2, 0, 0);
const TIME_ZONE = 'Asia/Ho_Chi_Minh';

export interface FloorScenario {
  agents: number;
  answerRate: number;
  /** Log-normal talk time: arithmetic mean and log-space sigma. */
  talkMeanSeconds: number;
  talkSigma: number;
  wrapUpSeconds: number;
  /** Seconds until an answering customer picks up (or a busy line is signalled). */
  answerSeconds: { min: number; max: number };
  ringTimeoutSeconds: number;
  busyRate: number;
  congestionRate: number;
  failRate: number;
  hours: number;
  seed: number;
  abandonTarget: number;
  /** Time the floor takes to bridge an agent, ms. */
  connectDelayMs: number;
}

export const defaultFloorScenario: FloorScenario = {
  agents: 20,
  answerRate: 0.35,
  talkMeanSeconds: 60,
  talkSigma: 0.7,
  wrapUpSeconds: 10,
  answerSeconds: { min: 4, max: 15 },
  ringTimeoutSeconds: 25,
  busyRate: 0.1,
  congestionRate: 0.02,
  failRate: 0.01,
  hours: 4,
  seed: 1,
  abandonTarget: 0.03,
  connectDelayMs: 200,
};

/** What a pacing algorithm brings to a run: pacers for the engine, and a hook on its events. */
export interface PacingUnderTest {
  dialMode: DialMode;
  /** Built once per run, with the run's clock. */
  build(clock: Clock): { pacers: Partial<PacerRegistry>; observe?(events: EngineEvents): void };
}

export interface FloorRunResult {
  metrics: FloorMetrics;
  /** False when the campaign had no fresh contact left at the end (it may have run dry). */
  freshContactsLeft: boolean;
  /** The engine, stopped, for inspection. */
  engine: Engine;
  driver: SimulatorDriver;
}

const noRecordings: RecordingStore = {
  async save() {
    throw new Error('recording is off in pacing runs');
  },
  async locate() {
    return null;
  },
};

/** `count` contacts with distinct numbers. */
function contacts(count: number, seed: number): ContactRequest[] {
  const list: ContactRequest[] = [];
  for (let i = 1; i <= count; i++) {
    const number = `09${String((seed * 7_919 + i) % 100_000_000).padStart(8, '0')}`;
    list.push({ contactId: i, phoneNumber: number, dialNumber: number, linkEdit: null, extra: null });
  }
  return list;
}

/**
 * Enough contacts for the run: agents cannot talk more than all the time, so conversations are
 * bounded by agent time over (talk + wrap-up), and calls by conversations over the answer rate;
 * unanswered contacts come back for up to three attempts, 30 minutes apart.
 */
function contactsNeeded(s: FloorScenario): number {
  const calls = (1.1 * s.agents * s.hours * 3600) / (s.talkMeanSeconds + s.wrapUpSeconds) / Math.max(s.answerRate, 0.05);
  return Math.ceil(calls) + 500;
}

export async function runPacingFloor(scenario: FloorScenario, pacing: PacingUnderTest, options: { contacts?: number } = {}): Promise<FloorRunResult> {
  // Everything the engine does with the memory store settles within one macrotask turn.
  const clock = new VirtualClock(FLOOR_START, { settle: () => new Promise<void>((resolve) => setImmediate(resolve)) });
  const store = createMemoryStore();
  const driver = createSimulatorDriver(
    {
      seed: scenario.seed,
      agents: scenario.agents,
      answerRate: scenario.answerRate,
      busyRate: scenario.busyRate,
      congestionRate: scenario.congestionRate,
      failRate: scenario.failRate,
      ringSeconds: scenario.answerSeconds,
      talkSeconds: { kind: 'lognormal', mean: scenario.talkMeanSeconds, sigma: scenario.talkSigma },
      wrapUpSeconds: scenario.wrapUpSeconds,
      connectDelayMs: scenario.connectDelayMs,
    },
    { clock, recordings: noRecordings, logger: silentLogger },
  );
  const profile: Profile = {
    ...BUILTIN_DEFAULT_PROFILE,
    name: pacing.dialMode,
    typeIds: [1],
    dialMode: pacing.dialMode,
    abandonTarget: scenario.abandonTarget,
    ringTimeoutSeconds: scenario.ringTimeoutSeconds,
    retry: { maxAttempts: 3, delaySeconds: 1800 },
  };
  const until = FLOOR_START + scenario.hours * 3_600_000;
  await store.createCampaign(
    { id: 1, typeId: 1, startsAt: FLOOR_START, endsAt: until + 3_600_000, receivedAt: FLOOR_START, contentHash: 'pacing', extra: null },
    contacts(options.contacts ?? contactsNeeded(scenario), scenario.seed),
  );
  const built = pacing.build(clock);
  const engine = createEngine({
    store,
    telephony: driver,
    clock,
    logger: silentLogger,
    settings: {
      timeZone: TIME_ZONE,
      maxConcurrentCalls: 100_000,
      maxCallsPerSecond: 10_000,
      abandonHoldSeconds: 2,
      maxWrapUpSeconds: 120,
      agents: [],
      record: false,
    },
    profiles: { list: [profile], fallback: profile },
    policy: basicDialPolicy(TIME_ZONE),
    pacers: { ...defaultPacers, ...built.pacers },
    recordingUrl: (key) => `memory:${key}`,
    onCallbackQueued: () => {},
  });
  built.observe?.(engine.events);
  const collector = new FloorMetricsCollector(engine.events, FLOOR_START, until, scenario.agents);
  await engine.start();
  await clock.advanceTo(until);
  const metrics = collector.finish();
  const next = await store.dueContacts(1, until, 1);
  await engine.stop();
  await store.close();
  return { metrics, freshContactsLeft: next[0]?.attempts === 0, engine, driver };
}
