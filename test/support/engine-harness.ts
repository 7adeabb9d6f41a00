/**
 * The real campaign engine on the simulated call floor, in virtual time, over a real store
 * (SQLite, PostgreSQL, or the in-memory store). Campaigns go in through the contract's
 * `receiveCampaign`; what comes out is observed three ways: the commands the engine gave the
 * floor (every `placeCall` with its time, every hang-up), the floor's events, and the
 * callback rows the store holds for the CRM.
 *
 * Settling: after each virtual timer the clock waits until every store call the engine
 * started has finished (tracked by wrapping the store) and the floor has no recording save in
 * flight, so PostgreSQL's real I/O never lets virtual time run ahead of the engine.
 */
import { receiveCampaign } from '../../src/application/receive-campaign.ts';
import { VirtualClock, settleMacrotasks } from '../../src/clock/virtual-clock.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../src/config/profiles.ts';
import type { FinishCampaignPayload, UpdateCampaignPayload } from '../../src/domain/callbacks.ts';
import { formatContractDatetime, parseContractDatetime } from '../../src/domain/local-time.ts';
import type { Profile } from '../../src/domain/profile.ts';
import { basicDialPolicy, type DialPolicy } from '../../src/engine/dial-policy.ts';
import type { EngineSettings } from '../../src/engine/engine-context.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import type { FinishStatus } from '../../src/domain/campaign.ts';
import { defaultPacers } from '../../src/engine/pacer.ts';
import { silentLogger, type Logger } from '../../src/ports/logger.ts';
import type { RecordingStore } from '../../src/ports/recording-store.ts';
import type { Store } from '../../src/ports/store.ts';
import type { TelephonyEvent } from '../../src/ports/telephony.ts';
import { createLinkSigner } from '../../src/recordings/signed-links.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openSqlDatabase } from '../../src/store/sql-store.ts';
import { manualCallRepository } from '../../src/store/manual-call-repository.ts';
import { dispositionRepository } from '../../src/store/disposition-repository.ts';
import { campaignControlRepository } from '../../src/store/campaign-control-repository.ts';
import type { CallbackStore } from '../../src/ports/callback-store.ts';
import type { Database } from '../../src/store/schema.ts';
import type { ManualCallLog } from '../../src/ports/manual-calls.ts';
import type { Kysely } from 'kysely';
import type { CustomerBehaviour } from '../../src/telephony/simulator/customer-behaviour.ts';
import { createSimulatorDriver, type SimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';
import type { SimulatorConfig } from '../../src/telephony/simulator/simulator-config.ts';
import { memoryRecordingStore } from '../contract/simulator-harness.ts';
import { observedDriver, trackedStore, type PlacedCall, type StoreDelay } from './engine-observers.ts';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** 2026-01-05 09:00:00 in Ho Chi Minh City (UTC+7). */
export const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export type HarnessDialect = DialectName | 'memory';
export type { PlacedCall, StoreDelay };

/** Customers that answer after `afterSeconds` and talk for `talkSeconds` once bridged. */
export const answers = (afterSeconds = 5, talkSeconds = 60): CustomerBehaviour => ({ kind: 'answer', answerAfterSeconds: afterSeconds, talkSeconds });
export const ringsForever: CustomerBehaviour = { kind: 'ring' };
export const busy = (afterSeconds = 3): CustomerBehaviour => ({ kind: 'refuse', cause: 'busy', afterSeconds, rings: true, detail: 'SIP 486 Busy Here' });

export interface HarnessOptions {
  dialect: HarnessDialect;
  startAt?: number;
  /** Simulated floor; `agents` virtual agents Agent/9001… with `wrapUpSeconds` each. */
  sim?: Partial<SimulatorConfig>;
  /**
   * Behaviour per dial number; `fallback` for the others (default: answers after 5 s, talks
   * 60 s; null: drawn from the floor's probabilities).
   */
  numbers?: Record<string, CustomerBehaviour>;
  fallback?: CustomerBehaviour | null;
  settings?: Partial<EngineSettings>;
  defaultProfile?: Partial<Profile>;
  profiles?: (Partial<Profile> & { name: string; typeIds: number[] })[];
  logger?: Logger;
  /**
   * Wraps the dial policy (profile calling hours) the engine asks before each call; `db` is the
   * SQL connection (null in memory), `track` makes the clock wait for an object's promises.
   */
  policy?: (base: DialPolicy, db: Kysely<Database> | null, track: <T extends object>(target: T) => T) => DialPolicy;
  storeDelay?: StoreDelay;
  /** Puts something between the engine and the store (fault injection); `store` stays the raw one. */
  wrapStore?: (store: Store) => Store;
  /**
   * The floor's recording store, and when the clock may move on: `idle` resolves once no write
   * is in progress (a save waiting on the clock to try again is not in progress). Default: an
   * in-memory store, idle once the floor has no save in flight.
   */
  recordings?: (clock: VirtualClock) => { store: RecordingStore; idle(): Promise<void> };
  /** Use this database (kept on close) instead of a fresh one: a restart after `crash()`. */
  database?: TestDatabase;
  /** The agent groups the engine dials (a cluster's lease holder); default: all. */
  dialsGroup?: (group: string) => boolean;
}

export interface CampaignSpec {
  id: number;
  startsAt: number;
  endsAt: number;
  typeId?: number;
  contacts: { id: number; phone: string }[];
}

export interface EngineHarness {
  clock: VirtualClock;
  engine: Engine;
  store: Store;
  driver: SimulatorDriver;
  /** The SQL database, for a restart on the same data. */
  database: TestDatabase | null;
  /** Calls agents dialled by hand (SQL stores only). */
  manualCalls: ManualCallLog | null;
  /** Dispositions and scheduled callbacks (SQL stores only). */
  callbacks: CallbackStore | null;
  /** Every leg the engine asked the floor for, in order. */
  placed: PlacedCall[];
  hangups: { at: number; callId: string }[];
  events: (TelephonyEvent & { seenAt: number })[];
  /** Campaigns the engine finished, with the instant. */
  finished: Map<number, { status: FinishStatus; at: number }>;
  /** Most legs up at once, in all and for any one subscriber. */
  peaks: { live: number; perSubscriber: number };
  sendCampaign(spec: CampaignSpec): Promise<void>;
  updates(campaignId: number): Promise<UpdateCampaignPayload[]>;
  finishPayload(campaignId: number): Promise<FinishCampaignPayload | undefined>;
  /** Runs virtual time until the campaign finished, checking every `stepMs`; false when `limitMs` passed first. */
  runUntilFinished(campaignId: number, limitMs: number, stepMs?: number): Promise<boolean>;
  placedFor(campaignId: number, contactId?: number): PlacedCall[];
  /** Dies on the spot: no more time passes for this engine and its floor; its connection goes. */
  crash(): Promise<void>;
  close(): Promise<void>;
}

export async function startEngineHarness(options: HarnessOptions): Promise<EngineHarness> {
  let db: TestDatabase | null = null;
  let raw: Store;
  let sqlDb: Kysely<Database> | null = null;
  if (options.dialect === 'memory') raw = createMemoryStore();
  else {
    if (!options.database) db = await createTestDatabase(options.dialect);
    const opened = await openSqlDatabase((options.database ?? db)!.url);
    raw = opened.store;
    sqlDb = opened.db;
  }
  let crashed = false;
  const { store, pending } = trackedStore(options.wrapStore ? options.wrapStore(raw) : raw, options.storeDelay);
  // Its writes are waited for like the store's (PostgreSQL does real I/O).
  const manualCalls = sqlDb ? trackedWith(manualCallRepository(sqlDb), pending) : null;
  const callbackStore = sqlDb && options.dialect !== 'memory' ? trackedWith(dispositionRepository(sqlDb, options.dialect), pending) : null;
  const controlStore = sqlDb ? trackedWith(campaignControlRepository(sqlDb), pending) : null;
  let floor: SimulatorDriver | undefined;
  let recordingStore: { store: RecordingStore; idle(): Promise<void> } | undefined;
  const clock = new VirtualClock(options.startAt ?? T0, {
    settle: async () => {
      for (let round = 0; round < 100_000; round++) {
        await settleMacrotasks(2);
        await (recordingStore ? recordingStore.idle() : floor?.whenIdle());
        if (pending.size === 0) {
          await settleMacrotasks(1);
          if (pending.size === 0) return;
        } else await Promise.allSettled([...pending]);
      }
      throw new Error('the engine did not settle');
    },
  });
  const h = {
    clock,
    placed: [] as PlacedCall[],
    hangups: [] as { at: number; callId: string }[],
    events: [] as (TelephonyEvent & { seenAt: number })[],
    finished: new Map<number, { status: FinishStatus; at: number }>(),
    peaks: { live: 0, perSubscriber: 0 },
  };
  const fallback = options.fallback === undefined ? answers() : options.fallback;
  const numbers = options.numbers ?? {};
  const inner = createSimulatorDriver(
    {
      seed: 1,
      agents: 2,
      wrapUpSeconds: 5,
      ringingDelayMs: { min: 300, max: 300 },
      connectDelayMs: 200,
      abandonMessageSeconds: 3,
      recordingSeconds: 0.2,
      talkSeconds: { kind: 'uniform', min: 60, max: 60 },
      script: (n) => numbers[n] ?? fallback ?? undefined,
      ...options.sim,
    },
    { clock, recordings: (recordingStore = options.recordings?.(clock))?.store ?? memoryRecordingStore(new Map()), logger: silentLogger },
  );
  floor = observedDriver(inner, h);

  const base: Profile = { ...BUILTIN_DEFAULT_PROFILE, ...options.defaultProfile };
  const profiles = (options.profiles ?? []).map((p) => ({ ...base, ...p }));
  const settings: EngineSettings = {
    timeZone: TIME_ZONE,
    maxConcurrentCalls: 1000,
    maxCallsPerSecond: 1000,
    abandonHoldSeconds: 2,
    maxWrapUpSeconds: 120,
    agents: [],
    record: true,
    ...options.settings,
  };
  const signer = createLinkSigner({ secret: 'test-secret', baseUrl: 'http://ccs.test', ttlSeconds: 86400 });
  const engine = createEngine({
    store,
    telephony: floor,
    clock,
    logger: options.logger ?? silentLogger,
    settings,
    profiles: { list: profiles, fallback: base },
    policy: options.policy ? options.policy(basicDialPolicy(TIME_ZONE), sqlDb, (target) => trackedWith(target, pending)) : basicDialPolicy(TIME_ZONE),
    pacers: defaultPacers,
    recordingUrl: (key, now) => signer.urlFor(key, now),
    onCallbackQueued: () => {},
    ...(manualCalls ? { manualCalls } : {}),
    ...(callbackStore ? { callbacks: callbackStore } : {}),
    ...(controlStore ? { controlStore } : {}),
    ...(options.dialsGroup ? { dialsGroup: options.dialsGroup } : {}),
  });
  engine.events.on('campaign:finished', ({ campaignId, status, at }) => h.finished.set(campaignId, { status, at }));
  await engine.start();
  await clock.advanceBy(0);

  const callbacks = async (campaignId: number, kind: 'update' | 'finish') =>
    (await raw.listCallbacks({ campaignId, limit: 100_000 })).filter((c) => c.kind === kind).sort((a, b) => a.id - b.id);

  return {
    ...h,
    engine,
    store: raw,
    driver: floor,
    database: db ?? options.database ?? null,
    manualCalls,
    callbacks: callbackStore,
    async sendCampaign(spec) {
      const fmt = (ms: number) => formatContractDatetime(ms, TIME_ZONE);
      const body = {
        campaignid: spec.id,
        starttime: fmt(spec.startsAt),
        endtime: fmt(spec.endsAt),
        ...(spec.typeId !== undefined ? { typeid: spec.typeId } : {}),
        contact: spec.contacts.map((c) => ({ id: c.id, phonenumber: c.phone, linkedit: `http://crm.test/contact/${c.id}` })),
      };
      const outcome = await receiveCampaign({ store, clock, logger: silentLogger, timeZone: TIME_ZONE, onCampaignStored: (id) => engine.campaignReceived(id) }, body);
      if (!outcome.ok) throw new Error(`campaign ${spec.id} refused: ${JSON.stringify(outcome)}`);
      await clock.advanceBy(0);
    },
    async updates(campaignId) {
      return (await callbacks(campaignId, 'update')).map((c) => JSON.parse(c.payload) as UpdateCampaignPayload);
    },
    async finishPayload(campaignId) {
      const [row] = await callbacks(campaignId, 'finish');
      return row ? (JSON.parse(row.payload) as FinishCampaignPayload) : undefined;
    },
    async runUntilFinished(campaignId, limitMs, stepMs = MINUTE) {
      return clock.runUntil(() => h.finished.has(campaignId), limitMs, stepMs);
    },
    placedFor(campaignId, contactId) {
      return h.placed.filter((p) => p.request.tags.campaignId === campaignId && (contactId === undefined || p.request.tags.contactId === contactId));
    },
    async crash() {
      crashed = true;
      await raw.close();
    },
    async close() {
      if (!crashed) {
        await engine.stop();
        await raw.close();
      }
      await db?.drop();
    },
  };
}

/** `count` distinct Vietnamese mobile numbers starting at `first`. */
export function phoneNumbers(count: number, first = 100): string[] {
  return Array.from({ length: count }, (_, i) => `0912${String(first + i).padStart(6, '0')}`);
}

export function contactsFor(numbers: string[], firstId = 1): { id: number; phone: string }[] {
  return numbers.map((phone, i) => ({ id: firstId + i, phone }));
}

/** Instant of an updateCampaign datetime (whole seconds, local time of the harness). */
export function parseReported(text: string): number {
  const at = parseContractDatetime(text, TIME_ZONE);
  if (at === null) throw new Error(`not a contract datetime: ${JSON.stringify(text)}`);
  return at;
}

/** Wraps every method of `target` so the clock waits for the promises it returns. */
function trackedWith<T extends object>(target: T, pending: Set<Promise<unknown>>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(target)) {
    out[key] =
      typeof value !== 'function'
        ? value
        : (...args: unknown[]) => {
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            if (result instanceof Promise) {
              pending.add(result);
              const done = () => pending.delete(result);
              result.then(done, done);
            }
            return result;
          };
  }
  return out as T;
}
