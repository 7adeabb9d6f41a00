/**
 * Turns a group snapshot and its statistics into the abandon model's forecast: for every slot
 * ahead, the answers expected from calls in flight, the chance a new call answers in it, and
 * the distribution of agents freed in it.
 *
 * - A call ringing for `a` seconds, not yet answered, answers in [t1, t2) from now with
 *   p·(Fa(a+t2) − Fa(a+t1)) / (p·Sa(a) + (1−p)·Su(a)): Fa/Sa the time-to-answer distribution of
 *   answered calls, Su how long unanswered calls stay up, p the answer probability.
 * - An agent in automatic wrap-up frees exactly when it ends; one in manual wrap-up after the
 *   measured wrap-up time, given how long it has been in it.
 * - A talking agent frees after its remaining talk time (the talk distribution given the time
 *   already talked) plus its wrap-up.
 * Anything without enough data to say (no talk samples yet, a talk longer than any seen) is
 * counted as not freeing within the horizon: the forecast errs towards fewer calls.
 */
import type { GroupSnapshot } from '../pacer.ts';
import type { SlotForecast } from './abandon-model.ts';
import { bernoulliSumPmf } from './abandon-model.ts';
import type { DurationDistribution } from './duration-window.ts';
import type { GroupStats } from './pacing-stats.ts';

export interface ForecastSettings {
  slotSeconds: number;
  /** Fewest samples of a duration before it is used. */
  minSamples: number;
  /** Longest horizon, seconds. */
  maxHorizonSeconds: number;
}

export interface GroupForecast extends SlotForecast {
  horizonSeconds: number;
  answerProbability: number;
  /** Expected agents free now or freed within the horizon. */
  agentsExpectedFree: number;
  /** Expected answers from calls already in flight, over the horizon. */
  answersExpected: number;
}

/** Talk-time distributions with the running talks taken in, reused for a short while per group. */
const talkCache = new WeakMap<GroupStats, { at: number; samples: number; distribution: DurationDistribution }>();
const TALK_CACHE_MS = 2000;

/**
 * Adds, to `into[j]` for every slot j, the chance that a duration already running for `elapsed`
 * seconds (survival `survival`) ends in slot j, shifted by `offset` seconds: slot j covers
 * [elapsed + j·dt − offset, elapsed + (j+1)·dt − offset) of the duration.
 */
function addEndingPerSlot(d: DurationDistribution, elapsed: number, offset: number, dt: number, survival: number, into: number[][]): number {
  let total = 0;
  let previous = d.cdf(Math.max(elapsed, elapsed - offset));
  for (let j = 0; j < into.length; j++) {
    const next = d.cdf(Math.max(elapsed, elapsed + (j + 1) * dt - offset));
    const q = Math.max(0, next - previous) / survival;
    if (q > 1e-7) into[j]!.push(q);
    total += q;
    previous = next;
  }
  return total;
}

function talkDistribution(snapshot: GroupSnapshot, stats: GroupStats, horizonSeconds: number): DurationDistribution {
  const cached = talkCache.get(stats);
  if (cached && snapshot.now - cached.at < TALK_CACHE_MS && cached.samples === stats.talkTime.count) return cached.distribution;
  const running = snapshot.agents.filter((a) => a.activity === 'talking').map((a) => Math.max(0, (snapshot.now - a.since) / 1000));
  const distribution = stats.talkTime.withRunning(running, Math.max(0, ...running) + horizonSeconds + 60);
  talkCache.set(stats, { at: snapshot.now, samples: stats.talkTime.count, distribution });
  return distribution;
}

export function forecastGroup(snapshot: GroupSnapshot, stats: GroupStats, settings: ForecastSettings): GroupForecast {
  const { now } = snapshot;
  const dt = settings.slotSeconds;
  const p = stats.answerProbability();
  const answer = stats.answerTime;
  const horizonSeconds = Math.min(settings.maxHorizonSeconds, Math.max(dt, answer.quantile(0.995) + dt));
  const slots = Math.ceil(horizonSeconds / dt);

  const newCallAnswers: number[] = [];
  for (let j = 0; j < slots; j++) newCallAnswers.push(p * (answer.cdf((j + 1) * dt) - answer.cdf(j * dt)));

  const inFlightAnswers = new Array<number>(slots).fill(0);
  let waitingNow = 0;
  for (const call of snapshot.calls) {
    if (call.answeredAt !== null) {
      if (call.waitingSince !== null) waitingNow++;
      continue;
    }
    if (call.state !== 'dialing' && call.state !== 'ringing') continue;
    const age = Math.max(0, (now - call.startedAt) / 1000);
    let previous = answer.cdf(age);
    if (previous >= 1) continue;
    const still = p * (1 - previous) + (1 - p) * stats.unansweredTime.survival(age);
    if (still <= 1e-9) continue;
    for (let j = 0; j < slots && previous < 1; j++) {
      const next = answer.cdf(age + (j + 1) * dt);
      inFlightAnswers[j]! += (p * (next - previous)) / still;
      previous = next;
    }
  }

  // Agents are forecast one slot further than answers: the last answers may wait into it.
  const agentSlots = slots + 1;
  const perSlot: number[][] = Array.from({ length: agentSlots }, () => []);
  const certain = new Array<number>(agentSlots).fill(0);
  let freeNow = 0;
  let agentsExpectedFree = 0;
  const wrap = stats.wrapUpTime;
  const haveWrap = wrap.count >= settings.minSamples;
  const haveTalk = stats.talkTime.count >= settings.minSamples;
  // Completed talks alone understate talk time after a start (the long ones have not ended
  // yet): the talks still running count as known to last at least as long as they have.
  const talk = haveTalk ? talkDistribution(snapshot, stats, horizonSeconds) : null;
  for (const agent of snapshot.agents) {
    if (agent.paused) continue;
    const elapsed = Math.max(0, (now - agent.since) / 1000);
    if (agent.activity === 'idle') {
      freeNow++;
      continue;
    }
    if (agent.activity === 'wrap-up') {
      if (agent.autoWrapUpSeconds !== null) {
        const slot = Math.floor(Math.max(0, agent.autoWrapUpSeconds - elapsed) / dt);
        if (slot < agentSlots) {
          certain[slot]!++;
          agentsExpectedFree++;
        }
        continue;
      }
      const s = wrap.survival(elapsed);
      if (haveWrap && s >= 1e-6) agentsExpectedFree += addEndingPerSlot(wrap, elapsed, 0, dt, s, perSlot);
      continue;
    }
    // reserved or talking: remaining talk, then wrap-up
    const talked = agent.activity === 'talking' ? elapsed : 0;
    const wrapUp = agent.autoWrapUpSeconds ?? (haveWrap ? wrap.mean() : null);
    if (!talk || wrapUp === null) continue;
    const s = 1 - talk.cdf(talked);
    if (s >= 1e-6) agentsExpectedFree += addEndingPerSlot(talk, talked, wrapUp, dt, s, perSlot);
  }

  const agentsFreed: number[][] = [];
  for (let j = 0; j < agentSlots; j++) {
    const pmf = bernoulliSumPmf(perSlot[j]!);
    agentsFreed.push(certain[j]! > 0 ? new Array<number>(certain[j]!).fill(0).concat(pmf) : pmf);
  }

  return {
    slotSeconds: dt,
    freeNow,
    waitingNow,
    inFlightAnswers,
    newCallAnswers,
    agentsFreed,
    horizonSeconds: slots * dt,
    answerProbability: p,
    agentsExpectedFree: freeNow + agentsExpectedFree,
    answersExpected: waitingNow + inFlightAnswers.reduce((sum, v) => sum + v, 0),
  };
}
