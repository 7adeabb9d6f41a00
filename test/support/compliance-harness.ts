/**
 * The campaign engine under the compliance dial policy, on the simulated floor in virtual
 * time, over a real SQL store with its do-not-call list and attempt history. Campaigns go in
 * through `receiveCampaign` with screening at receipt, as the service wires it. The harness
 * records every leg the engine places and every log line, and settles after each virtual
 * timer until all storage calls it started have finished (PostgreSQL does real I/O).
 */
import { receiveCampaign } from '../../src/application/receive-campaign.ts';
import type { ContractOutcome } from '../../src/application/contract-outcome.ts';
import { VirtualClock, settleMacrotasks } from '../../src/clock/virtual-clock.ts';
import { complianceDialPolicy, type ComplianceDialPolicy } from '../../src/compliance/compliance-policy.ts';
import { createReceiptScreening } from '../../src/compliance/receipt-screening.ts';
import type { RuleSetRegistry } from '../../src/compliance/rule-sets.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../src/config/profiles.ts';
import type { FinishCampaignPayload, UpdateCampaignPayload } from '../../src/domain/callbacks.ts';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { profileForType, type Profile } from '../../src/domain/profile.ts';
import { createEngine, type Engine } from '../../src/engine/engine.ts';
import { defaultPacers } from '../../src/engine/pacer.ts';
import type { AttemptHistory } from '../../src/ports/attempt-history.ts';
import type { DncStore } from '../../src/ports/dnc-store.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { Store } from '../../src/ports/store.ts';
import type { PlaceCallRequest } from '../../src/ports/telephony.ts';
import { attemptHistory } from '../../src/store/attempt-history.ts';
import { dncRepository } from '../../src/store/dnc-repository.ts';
import { openSqlDatabase } from '../../src/store/sql-store.ts';
import type { CustomerBehaviour } from '../../src/telephony/simulator/customer-behaviour.ts';
import { createSimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';
import { memoryRecordingStore } from '../contract/simulator-harness.ts';
import { createTestDatabase, type DialectName } from './databases.ts';

export const TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** An instant given as Ho Chi Minh City wall-clock time (UTC+7, no daylight saving). */
export const local = (y: number, mo: number, d: number, h: number, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h - 7, mi, s);
export const fmt = (ms: number) => formatContractDatetime(ms, TIME_ZONE);

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

export function recordingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: LogLine['level']) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') lines.push({ level, msg: obj, fields: { ...bindings } });
      else lines.push({ level, msg: msg ?? '', fields: { ...bindings, ...(obj as Record<string, unknown>) } });
    };
  return { child: (b) => recordingLogger(lines, { ...bindings, ...b }), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Wraps every method of `target` so the clock can wait for the promises they return. */
function tracked<T extends object>(target: T, pending: Set<Promise<unknown>>): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(target)) {
    const value = (target as Record<string, unknown>)[key];
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    out[key] = (...args: unknown[]) => {
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

export interface HarnessOptions {
  dialect: DialectName;
  startAt: number;
  profiles: (Partial<Profile> & { name: string; typeIds: number[] })[];
  /** Behaviour per dial number (default: answers after 5 s, talks 60 s). */
  numbers?: Record<string, CustomerBehaviour>;
  agents?: number;
  ruleSets?: RuleSetRegistry;
}

export interface PlacedLeg {
  at: number;
  request: PlaceCallRequest;
}

export interface CampaignSpec {
  id: number;
  startsAt: number;
  endsAt: number;
  typeId: number;
  contacts: { id: number; phone: string }[];
}

export interface ComplianceHarness {
  clock: VirtualClock;
  engine: Engine;
  store: Store;
  dnc: DncStore;
  history: AttemptHistory;
  policy: ComplianceDialPolicy;
  profiles: { list: Profile[]; fallback: Profile };
  placed: PlacedLeg[];
  logs: LogLine[];
  send(spec: CampaignSpec): Promise<ContractOutcome>;
  updates(campaignId: number): Promise<UpdateCampaignPayload[]>;
  finish(campaignId: number): Promise<FinishCampaignPayload | undefined>;
  placedFor(campaignId: number, contactId?: number): PlacedLeg[];
  close(): Promise<void>;
}

export async function startComplianceHarness(options: HarnessOptions): Promise<ComplianceHarness> {
  const database = await createTestDatabase(options.dialect);
  const opened = await openSqlDatabase(database.url);
  const pending = new Set<Promise<unknown>>();
  const store = tracked(opened.store, pending);
  const dnc = tracked(dncRepository(opened.db), pending);
  const history = tracked(attemptHistory(opened.db), pending);
  const logs: LogLine[] = [];
  const logger = recordingLogger(logs);
  const placed: PlacedLeg[] = [];

  let idle: (() => Promise<void>) | undefined;
  const clock = new VirtualClock(options.startAt, {
    settle: async () => {
      for (let round = 0; round < 10_000; round++) {
        await settleMacrotasks(2);
        await idle?.();
        if (pending.size === 0) {
          await settleMacrotasks(1);
          if (pending.size === 0) return;
        } else await Promise.allSettled([...pending]);
      }
      throw new Error('the engine did not settle');
    },
  });
  const numbers = options.numbers ?? {};
  const inner = createSimulatorDriver(
    {
      seed: 7,
      agents: options.agents ?? 1,
      wrapUpSeconds: 5,
      ringingDelayMs: { min: 300, max: 300 },
      recordingSeconds: 0.1,
      script: (n) => numbers[n] ?? { kind: 'answer', answerAfterSeconds: 5, talkSeconds: 60 },
    },
    { clock, recordings: memoryRecordingStore(new Map()), logger },
  );
  idle = () => inner.whenIdle();
  const driver = {
    ...inner,
    async placeCall(request: PlaceCallRequest) {
      placed.push({ at: clock.now(), request });
      await inner.placeCall(request);
    },
  };

  const fallback: Profile = { ...BUILTIN_DEFAULT_PROFILE };
  const profiles = { list: options.profiles.map((p) => ({ ...fallback, ...p })), fallback };
  const profileOf = (c: { typeId: number | null }) => profileForType(profiles.list, c.typeId, profiles.fallback);
  const policy = complianceDialPolicy({ dnc, history, timeZone: TIME_ZONE, logger, ...(options.ruleSets ? { ruleSets: options.ruleSets } : {}) });
  const engine = createEngine({
    store,
    telephony: driver,
    clock,
    logger,
    settings: { timeZone: TIME_ZONE, maxConcurrentCalls: 100, maxCallsPerSecond: 100, abandonHoldSeconds: 2, maxWrapUpSeconds: 60, agents: [], record: false },
    profiles,
    policy,
    pacers: defaultPacers,
    recordingUrl: (key) => `http://ccs.test/rec/${key}`,
    onCallbackQueued: () => {},
  });
  const screenContacts = createReceiptScreening({ store, policy, clock, logger, timeZone: TIME_ZONE, profileOf, onCallbackQueued: () => {} });
  await engine.start();
  await clock.advanceBy(0);

  const callbacks = async (campaignId: number, kind: 'update' | 'finish') =>
    (await opened.store.listCallbacks({ campaignId, limit: 100_000 })).filter((c) => c.kind === kind).sort((a, b) => a.id - b.id);

  return {
    clock,
    engine,
    store: opened.store,
    dnc,
    history,
    policy,
    profiles,
    placed,
    logs,
    async send(spec) {
      const body = {
        campaignid: spec.id,
        starttime: fmt(spec.startsAt),
        endtime: fmt(spec.endsAt),
        typeid: spec.typeId,
        contact: spec.contacts.map((c) => ({ id: c.id, phonenumber: c.phone, linkedit: `http://crm.test/c/${c.id}` })),
      };
      const outcome = await receiveCampaign(
        { store, clock, logger, timeZone: TIME_ZONE, screenContacts, onCampaignStored: (id) => engine.campaignReceived(id) },
        body,
      );
      await clock.advanceBy(0);
      return outcome;
    },
    updates: async (id) => (await callbacks(id, 'update')).map((c) => JSON.parse(c.payload) as UpdateCampaignPayload),
    finish: async (id) => {
      const [row] = await callbacks(id, 'finish');
      return row ? (JSON.parse(row.payload) as FinishCampaignPayload) : undefined;
    },
    placedFor: (campaignId, contactId) =>
      placed.filter((p) => p.request.tags.campaignId === campaignId && (contactId === undefined || p.request.tags.contactId === contactId)),
    async close() {
      await engine.stop();
      await opened.store.close();
      await database.drop();
    },
  };
}
