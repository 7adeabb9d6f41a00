/**
 * Campaign forecast: the engine the service runs, run once more in virtual time on a copy of
 * what is left of one campaign, on the simulated call floor with the in-memory store. The copy
 * holds the remaining contacts (attempts used, next due time), the campaign's window and its
 * profile (retry rule, dial mode, pacing, calling hours); the floor answers, rings and talks
 * as the campaign's calls so far did (forecast-measures.ts) and has the agents on shift, or N.
 *
 * Bounded: at most `maxContacts` contacts, one forecast at a time, the virtual clock moved in
 * slices that each give the event loop back, a wall-time budget after which the result is
 * marked incomplete, and each answer kept for `cacheSeconds`.
 */
import { VirtualClock } from '../clock/virtual-clock.ts';
import type { AttemptRecord, CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import type { UpdateCampaignPayload } from '../domain/callbacks.ts';
import type { Profile } from '../domain/profile.ts';
import { basicDialPolicy } from '../engine/dial-policy.ts';
import { createEngine } from '../engine/engine.ts';
import type { AgentStatus } from '../engine/agent-pool.ts';
import { defaultPacers } from '../engine/pacer.ts';
import { createPacing } from '../engine/pacing/create-pacing.ts';
import { defaultRiskLimitSettings } from '../engine/pacing/risk-limit.ts';
import type { Clock } from '../ports/clock.ts';
import { silentLogger } from '../ports/logger.ts';
import type { RecordingStore } from '../ports/recording-store.ts';
import type { Store } from '../ports/store.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { createSimulatorDriver } from '../telephony/simulator/simulator-driver.ts';
import { measureCalls, type CallMeasures } from './forecast-measures.ts';
import { warmStartPacing } from './forecast-warm-start.ts';

export interface ForecastSettings {
  timeZone: string;
  maxConcurrentCalls: number;
  maxCallsPerSecond: number;
  abandonHoldSeconds: number;
  maxWrapUpSeconds: number;
}

export interface ForecastDeps {
  store: Pick<Store, 'getCampaign' | 'countCampaign' | 'listContactsAfter' | 'listAttempts'>;
  clock: Clock;
  /** The profile the campaign dials with now (a supervisor's pacing override included). */
  profileOf(campaign: CampaignRecord): Profile;
  /** The agents on the floor now. */
  agents(): AgentStatus[];
  /** Predictive pacing's calibration in an agent group now (measured over predicted abandons), if paced. */
  pacingCalibration?(group: string): number | null;
  settings: ForecastSettings;
  /** Wrap-up of agents that do not announce their own (people at a desk). */
  wrapUpSeconds?: number;
  seed?: number;
  maxContacts?: number;
  /** Wall time one forecast may take before it stops and answers incomplete. */
  budgetMs?: number;
  cacheSeconds?: number;
}

export interface Forecast {
  campaignId: number;
  /** When the forecast was made (the service's now). */
  at: number;
  state: CampaignRecord['state'];
  agents: number;
  /** Whether `agents` came from the request (what-if) or the floor. */
  agentsFrom: 'floor' | 'what-if';
  wrapUpSeconds: number;
  measures: CallMeasures;
  contactTotal: number;
  contactsRemaining: number;
  contactsReachedSoFar: number;
  /** Expected time the last contact is final; null when the campaign reaches its endtime first. */
  finishAt: number | null;
  endsAt: number;
  /** Share of contacts still open at the endtime (0 when it finishes before). */
  leftAtEnd: number;
  /** Contacts with an answered call at the end: so far plus expected. */
  contactsReached: number;
  /** Abandoned over answered, for the calls still to come. */
  abandonRate: number;
  /** Calls the simulation placed. */
  simulatedCalls: number;
  /** False when the work bound stopped the simulation before the campaign's end. */
  complete: boolean;
  /** Wall time the simulation took, ms. */
  computeMs: number;
}

export type ForecastAnswer = { ok: true; forecast: Forecast } | { ok: false; code: 'not-found' | 'too-large'; message: string };

const noRecordings: RecordingStore = {
  async save() {
    throw new Error('no recordings in a forecast');
  },
  async locate() {
    return null;
  },
};

const PAGE = 5_000;
const MAX_ATTEMPTS_READ = 200_000;
const SLICE_MS = 15 * 60_000;

async function remainingContacts(store: ForecastDeps['store'], campaignId: number): Promise<ContactRecord[]> {
  const open: ContactRecord[] = [];
  for (let after: number | null = null; ; ) {
    const page: ContactRecord[] = await store.listContactsAfter(campaignId, after, PAGE);
    for (const c of page) if (c.state !== 'final') open.push(c);
    if (page.length < PAGE) return open;
    after = page[page.length - 1]!.contactId;
  }
}

async function campaignAttempts(store: ForecastDeps['store'], campaignId: number): Promise<AttemptRecord[]> {
  const all: AttemptRecord[] = [];
  for (let offset = 0; offset < MAX_ATTEMPTS_READ; offset += PAGE) {
    const page = await store.listAttempts({ campaignId, limit: PAGE, offset });
    all.push(...page);
    if (page.length < PAGE) break;
  }
  return all;
}

/** A filler payload for the attempts copied into the simulation: nobody reads their callbacks. */
function seedPayload(campaignId: number, contactId: number, callid: string): UpdateCampaignPayload {
  return { campaignid: campaignId, contact_id: contactId, phonenumber: '', agentcode: null, station_id: null, starttime: '', answertime: null, endtime: '', duration: 0, ringtime: 0, link_down_record: null, status: 'NO ANSWER', callid };
}

export interface SimulationInput {
  campaign: CampaignRecord;
  profile: Profile;
  contacts: readonly ContactRecord[];
  measures: CallMeasures;
  /** The campaign's calls so far: the pacing starts from them. */
  history: readonly AttemptRecord[];
  /** Where the campaign's predictive pacing stands (1 when unknown). */
  calibration: number;
  agents: number;
  wrapUpSeconds: number;
  now: number;
  seed: number;
  settings: ForecastSettings;
  budgetMs: number;
}

export interface SimulationResult {
  finishAt: number | null;
  openAtEnd: number;
  reached: number;
  answered: number;
  abandoned: number;
  placed: number;
  complete: boolean;
}

/** Runs the engine on the copy until the campaign finishes (or the work bound is reached). */
export async function simulateRest(input: SimulationInput): Promise<SimulationResult> {
  const { campaign, now } = input;
  const started = performance.now();
  const clock = new VirtualClock(now, { settle: () => new Promise<void>((resolve) => setImmediate(resolve)) });
  const store = createMemoryStore();
  // Preview needs a person to press Call; the floor's agents would never: paced 1:1 instead.
  const dialMode = input.profile.dialMode === 'preview' ? 'progressive' : input.profile.dialMode;
  const profile: Profile = { ...input.profile, dialMode, agentGroup: 'default', typeIds: [campaign.typeId ?? 0] };
  // The campaign's own start: contacts never called stay due from then, so the dialler takes
  // them in the same order (oldest due first, then CRM order) as it does in the service.
  const startsAt = campaign.startsAt;
  const contacts = [...input.contacts].sort((a, b) => a.seq - b.seq);
  await store.createCampaign(
    { id: campaign.id, typeId: campaign.typeId, startsAt, endsAt: campaign.endsAt, receivedAt: Math.min(now, startsAt), contentHash: 'forecast', extra: null },
    contacts.map((c) => ({ contactId: c.contactId, phoneNumber: c.phoneNumber, dialNumber: c.dialNumber, linkEdit: null, extra: null })),
  );
  // Attempts already used: replayed as unanswered attempts, leaving each contact due when it is
  // (a call in progress now counts as not yet made: due at once).
  for (const c of contacts) {
    const used = c.state === 'dialing' ? c.attempts - 1 : c.attempts;
    const due = c.state === 'dialing' ? now : (c.nextAttemptAt ?? startsAt);
    for (let n = 1; n <= used; n++) {
      const callId = `seed-${c.contactId}-${n}`;
      await store.beginAttempt({ callId, campaignId: campaign.id, contactId: c.contactId, attemptNo: n, dialNumber: c.dialNumber, startedAt: now, audit: null });
      await store.endAttempt({
        callId,
        status: 'NO ANSWER',
        endedAt: now,
        answeredAt: null,
        agentCode: null,
        stationId: null,
        cause: null,
        recordingKey: null,
        contact: { state: 'pending', outcome: null, nextAttemptAt: n === used ? due : startsAt, waitReason: null },
        callback: seedPayload(campaign.id, c.contactId, callId),
      });
    }
    if (used === 0 && due !== startsAt) await store.postponeContact(campaign.id, c.contactId, due, 'due');
  }
  const m = input.measures;
  const driver = createSimulatorDriver(
    {
      seed: input.seed,
      agents: input.agents,
      answerRate: m.answerRate,
      busyRate: m.busyRate,
      congestionRate: m.congestionRate,
      failRate: m.failRate,
      ringSeconds: m.ringSeconds,
      talkSeconds: m.talkSeconds,
      wrapUpSeconds: input.wrapUpSeconds,
    },
    { clock, recordings: noRecordings, logger: silentLogger },
  );
  const pacing = createPacing({ clock, predictive: { risk: { ...defaultRiskLimitSettings, startCalibration: input.calibration } } });
  warmStartPacing(pacing, input.history, profile.agentGroup, input.wrapUpSeconds);
  const engine = createEngine({
    store,
    telephony: driver,
    clock,
    logger: silentLogger,
    settings: { ...input.settings, agents: [], record: false },
    profiles: { list: [profile], fallback: profile },
    policy: basicDialPolicy(input.settings.timeZone),
    pacers: { ...defaultPacers, ...pacing.pacers },
    recordingUrl: (key) => `memory:${key}`,
    onCallbackQueued: () => {},
  });
  pacing.observe(engine.events);
  let placed = 0;
  engine.events.on('call:placed', () => void placed++);
  await engine.start();
  // A stopping campaign waits for its last calls; an hour past the endtime is plenty.
  const limit = campaign.endsAt + 3_600_000;
  let record = await store.getCampaign(campaign.id);
  let complete = true;
  while (record && record.state !== 'finished' && clock.now() < limit) {
    if (performance.now() - started > input.budgetMs) {
      complete = false;
      break;
    }
    await clock.advanceTo(Math.min(limit, clock.now() + SLICE_MS));
    record = await store.getCampaign(campaign.id);
  }
  const counts = await store.countCampaign(campaign.id);
  await engine.stop();
  await store.close();
  const finished = record?.state === 'finished' ? record : null;
  return {
    finishAt: finished?.finishStatus === 'completed' ? finished.finishedAt : null,
    openAtEnd: counts.contactTotal - counts.contactsFinal,
    reached: counts.contactsAnswered,
    answered: (counts.attemptsByStatus.ANSWERED ?? 0) + (counts.attemptsByStatus.ABANDONED ?? 0),
    abandoned: counts.attemptsByStatus.ABANDONED ?? 0,
    placed,
    complete,
  };
}

export interface CampaignForecaster {
  /** `agents`: a what-if head count; absent, the agents on shift in the campaign's group. */
  forecast(campaignId: number, options?: { agents?: number }): Promise<ForecastAnswer>;
}

export function createCampaignForecaster(deps: ForecastDeps): CampaignForecaster {
  const cacheMs = (deps.cacheSeconds ?? 30) * 1000;
  const maxContacts = deps.maxContacts ?? 50_000;
  const cache = new Map<string, { at: number; answer: Promise<ForecastAnswer> }>();
  // One simulation at a time: a second request waits rather than doubling the CPU.
  let queue: Promise<unknown> = Promise.resolve();

  async function compute(campaignId: number, whatIf: number | undefined): Promise<ForecastAnswer> {
    const campaign = await deps.store.getCampaign(campaignId);
    if (!campaign) return { ok: false, code: 'not-found', message: 'No such campaign.' };
    const profile = deps.profileOf(campaign);
    const now = deps.clock.now();
    const onShift = deps.agents().filter((a) => a.online && !a.paused && a.group === profile.agentGroup);
    const agents = whatIf ?? onShift.length;
    const announced = onShift.map((a) => a.autoWrapUpSeconds).filter((s): s is number => s !== null);
    const wrapUpSeconds = announced.length > 0 ? announced.reduce((s, v) => s + v, 0) / announced.length : (deps.wrapUpSeconds ?? 10);
    const counts = await deps.store.countCampaign(campaignId);
    const contacts = campaign.state === 'finished' ? [] : await remainingContacts(deps.store, campaignId);
    if (contacts.length > maxContacts) return { ok: false, code: 'too-large', message: `More than ${maxContacts} contacts left: too many to simulate.` };
    const history = await campaignAttempts(deps.store, campaignId);
    const measures = measureCalls(history);
    const base = {
      campaignId,
      at: now,
      state: campaign.state,
      agents,
      agentsFrom: whatIf === undefined ? ('floor' as const) : ('what-if' as const),
      wrapUpSeconds,
      measures,
      contactTotal: counts.contactTotal,
      contactsRemaining: contacts.length,
      contactsReachedSoFar: counts.contactsAnswered,
      endsAt: campaign.endsAt,
    };
    const startedMs = performance.now();
    if (campaign.state === 'finished' || campaign.state === 'stopping' || contacts.length === 0 || agents === 0 || now >= campaign.endsAt) {
      // Nothing will be dialled: the campaign ends where it stands.
      const done = contacts.length === 0 && campaign.state !== 'finished';
      return {
        ok: true,
        forecast: {
          ...base,
          finishAt: campaign.state === 'finished' ? (campaign.finishStatus === 'completed' ? campaign.finishedAt : null) : done ? now : null,
          leftAtEnd: counts.contactTotal > 0 ? contacts.length / counts.contactTotal : 0,
          contactsReached: counts.contactsAnswered,
          abandonRate: 0,
          simulatedCalls: 0,
          complete: true,
          computeMs: 0,
        },
      };
    }
    const result = await simulateRest({
      campaign,
      profile,
      contacts,
      measures,
      history,
      calibration: deps.pacingCalibration?.(profile.agentGroup) ?? 1,
      agents,
      wrapUpSeconds,
      now,
      seed: deps.seed ?? campaignId,
      settings: deps.settings,
      budgetMs: deps.budgetMs ?? 60_000,
    });
    return {
      ok: true,
      forecast: {
        ...base,
        finishAt: result.finishAt,
        leftAtEnd: counts.contactTotal > 0 ? (result.finishAt === null ? result.openAtEnd / counts.contactTotal : 0) : 0,
        contactsReached: counts.contactsAnswered + result.reached,
        abandonRate: result.answered > 0 ? result.abandoned / result.answered : 0,
        simulatedCalls: result.placed,
        complete: result.complete,
        computeMs: Math.round(performance.now() - startedMs),
      },
    };
  }

  return {
    forecast(campaignId, options = {}) {
      const key = `${campaignId}:${options.agents ?? 'floor'}`;
      const now = deps.clock.now();
      for (const [k, entry] of cache) if (now - entry.at >= cacheMs) cache.delete(k);
      const hit = cache.get(key);
      if (hit) return hit.answer;
      const answer = queue.then(() => compute(campaignId, options.agents));
      queue = answer.catch(() => {});
      cache.set(key, { at: now, answer });
      answer.catch(() => cache.delete(key));
      return answer;
    },
  };
}
