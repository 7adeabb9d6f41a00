/**
 * A campaign run to its end on the simulated floor (real engine, virtual time, memory store),
 * stopping once at a chosen share of contacts done to let a caller look at it (the forecast
 * test makes its forecast there), then going on to the campaign's finish.
 */
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../src/config/profiles.ts';
import type { ContactRequest } from '../../src/domain/campaign-request.ts';
import type { DialMode, Profile } from '../../src/domain/profile.ts';
import { basicDialPolicy } from '../../src/engine/dial-policy.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { defaultPacers } from '../../src/engine/pacer.ts';
import { createPacing, type Pacing } from '../../src/engine/pacing/create-pacing.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { RecordingStore } from '../../src/ports/recording-store.ts';
import type { Store } from '../../src/ports/store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { createSimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';

export const FORECAST_START = Date.UTC(2026, 0, 5, 1, 0, 0);
export const FLOOR_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const FLOOR_SETTINGS = { timeZone: FLOOR_TIME_ZONE, maxConcurrentCalls: 10_000, maxCallsPerSecond: 1_000, abandonHoldSeconds: 2, maxWrapUpSeconds: 120 };

export interface FloorCampaign {
  contacts: number;
  agents: number;
  seed: number;
  dialMode: DialMode;
  answerRate: number;
  talkMeanSeconds: number;
  wrapUpSeconds: number;
  /** Campaign length; long enough by default for every contact to be done. */
  hours: number;
}

export const defaultFloorCampaign: FloorCampaign = { contacts: 2_000, agents: 10, seed: 1, dialMode: 'predictive', answerRate: 0.35, talkMeanSeconds: 60, wrapUpSeconds: 10, hours: 48 };

const noRecordings: RecordingStore = {
  async save() {
    throw new Error('recording is off');
  },
  async locate() {
    return null;
  },
};

export interface FloorView {
  store: Store;
  clock: VirtualClock;
  engine: Engine;
  profile: Profile;
  pacing: Pacing;
}

export interface FloorOutcome {
  finishedAt: number | null;
  finishStatus: string | null;
  reached: number;
  contactTotal: number;
  /** Abandoned over answered, over the whole run. */
  abandonRate: number;
}

export async function runFloorCampaign(c: FloorCampaign, at: { progress: number; look: (floor: FloorView) => Promise<void> }): Promise<FloorOutcome> {
  const clock = new VirtualClock(FORECAST_START, { settle: () => new Promise<void>((resolve) => setImmediate(resolve)) });
  const store = createMemoryStore();
  const driver = createSimulatorDriver(
    {
      seed: c.seed,
      agents: c.agents,
      answerRate: c.answerRate,
      busyRate: 0.1,
      congestionRate: 0.02,
      failRate: 0.01,
      ringSeconds: { min: 4, max: 15 },
      talkSeconds: { kind: 'lognormal', mean: c.talkMeanSeconds, sigma: 0.7 },
      wrapUpSeconds: c.wrapUpSeconds,
    },
    { clock, recordings: noRecordings, logger: silentLogger },
  );
  const profile: Profile = { ...BUILTIN_DEFAULT_PROFILE, name: 'floor', typeIds: [1], dialMode: c.dialMode, retry: { maxAttempts: 3, delaySeconds: 1800 } };
  const contacts: ContactRequest[] = Array.from({ length: c.contacts }, (_, i) => {
    const number = `09${String(c.seed * 1_000_000 + i + 1).padStart(8, '0')}`;
    return { contactId: i + 1, phoneNumber: number, dialNumber: number, linkEdit: null, extra: null };
  });
  await store.createCampaign({ id: 7, typeId: 1, startsAt: FORECAST_START, endsAt: FORECAST_START + c.hours * 3_600_000, receivedAt: FORECAST_START, contentHash: 'floor', extra: null }, contacts);
  const pacing = createPacing({ clock });
  const engine = createEngine({
    store,
    telephony: driver,
    clock,
    logger: silentLogger,
    settings: { ...FLOOR_SETTINGS, agents: [], record: false },
    profiles: { list: [profile], fallback: profile },
    policy: basicDialPolicy(FLOOR_TIME_ZONE),
    pacers: { ...defaultPacers, ...pacing.pacers },
    recordingUrl: (key) => `memory:${key}`,
    onCallbackQueued: () => {},
  });
  pacing.observe(engine.events);
  await engine.start();
  const limit = FORECAST_START + (c.hours + 1) * 3_600_000;
  let looked = false;
  for (;;) {
    const campaign = (await store.getCampaign(7))!;
    if (campaign.state === 'finished' || clock.now() >= limit) break;
    if (!looked) {
      const counts = await store.countCampaign(7);
      if (counts.contactsFinal >= at.progress * counts.contactTotal) {
        looked = true;
        await at.look({ store, clock, engine, profile, pacing });
      }
    }
    await clock.advanceBy(looked ? 15 * 60_000 : 30_000);
  }
  const campaign = (await store.getCampaign(7))!;
  const counts = await store.countCampaign(7);
  await engine.stop();
  const abandoned = counts.attemptsByStatus.ABANDONED ?? 0;
  const answered = abandoned + (counts.attemptsByStatus.ANSWERED ?? 0);
  return { finishedAt: campaign.finishedAt, finishStatus: campaign.finishStatus, reached: counts.contactsAnswered, contactTotal: counts.contactTotal, abandonRate: answered > 0 ? abandoned / answered : 0 };
}
