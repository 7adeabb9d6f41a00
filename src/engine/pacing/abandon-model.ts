/**
 * The abandon model behind predictive pacing: given what the floor looks like now, how many
 * customers are expected to answer over the next seconds and how many of them will find no
 * agent within the hold limit (the 2-second rule), if `k` more calls are placed now.
 *
 * Time ahead is cut into slots of two thirds of the hold limit. A customer answering in a slot
 * waits through the next one: served by an agent free at the time, or freed in either slot —
 * on average that is the hold limit, measured from the answer — and otherwise abandoned. The
 * state carried from slot to slot is one integer z: z ≥ 0 agents free, or −z customers who
 * answered in the previous slot and still wait. Per slot:
 *
 *     agents freed F serve the waiting first; those left unserved are abandoned
 *     L = agents left (free before + freed − served)
 *     z' = L − A          (A = the slot's answers; a negative z' is customers waiting)
 *
 * F is a sum of independent Bernoulli draws, one per busy agent (exact for the likely ones, the
 * many unlikely ones summed as a Poisson count); A is a
 * Poisson count whose mean sums every call's chance of answering in that slot. The recursion
 * carries the whole distribution of z, so the expected abandons are exact under those
 * assumptions. The Poisson count treats a call's answer in one slot as independent of its
 * answer in another, which overstates the spread of answers when few calls each likely to be
 * answered are up; the pacer's calibration absorbs what that costs. Pure: no clock, no engine.
 */
export interface SlotForecast {
  slotSeconds: number;
  /** Agents free now. */
  freeNow: number;
  /** Answered customers already waiting for an agent (they need one in the first slot). */
  waitingNow: number;
  /** Per slot: expected answers from calls already placed. */
  inFlightAnswers: readonly number[];
  /** Per slot: the chance that a call placed now answers in that slot. */
  newCallAnswers: readonly number[];
  /** Per slot: distribution of the number of agents freed in it (index = count). */
  agentsFreed: readonly (readonly number[])[];
}

export interface Outlook {
  /** Expected customers abandoned over the horizon. */
  abandons: number;
  /** Expected customers answering over the horizon. */
  answers: number;
}

const NEGLIGIBLE = 1e-12;

/** Below this chance a draw joins the Poisson part of `bernoulliSumPmf`. */
const SMALL_CHANCE = 0.02;

/**
 * Distribution of a sum of independent Bernoulli draws with the given probabilities (negligible
 * tail cut). Draws with a small chance are summed as one Poisson count of the same mean — a
 * slightly wider spread, which for agents freeing up errs towards more abandons — so a floor of
 * a hundred agents each with a small chance costs little.
 */
export function bernoulliSumPmf(probabilities: readonly number[]): number[] {
  const pmf = new Float64Array(probabilities.length + 1);
  pmf[0] = 1;
  let length = 1;
  let smallMean = 0;
  for (const q of probabilities) {
    if (q <= NEGLIGIBLE) continue;
    if (q < SMALL_CHANCE) {
      smallMean += q;
      continue;
    }
    const p = Math.min(1, q);
    pmf[length] = 0;
    for (let n = length; n > 0; n--) pmf[n] = pmf[n]! * (1 - p) + pmf[n - 1]! * p;
    pmf[0] = pmf[0]! * (1 - p);
    length++;
    while (length > 1 && pmf[length - 1]! < NEGLIGIBLE) length--;
  }
  if (smallMean <= NEGLIGIBLE) return Array.from(pmf.subarray(0, length));
  const poisson: number[] = [];
  let term = Math.exp(-smallMean);
  let total = 0;
  for (let n = 0; total < 1 - NEGLIGIBLE && n < 1000; n++) {
    poisson.push(term);
    total += term;
    term *= smallMean / (n + 1);
  }
  const out = new Array<number>(length + poisson.length - 1).fill(0);
  for (let a = 0; a < length; a++) for (let b = 0; b < poisson.length; b++) out[a + b]! += pmf[a]! * poisson[b]!;
  let end = out.length;
  while (end > 1 && out[end - 1]! < NEGLIGIBLE) end--;
  return out.slice(0, end);
}

/** Scratch space of the recursion, reused from slot to slot and call to call. */
class Scratch {
  pois = new Float64Array(256);
  left = new Float64Array(256);
  states = [new Float64Array(256), new Float64Array(256)];
  flip = 0;

  /** Writes P(N = 0, 1, …) for N ~ Poisson(mean) up to where the rest is negligible; returns the length. */
  poisson(mean: number): number {
    const last = Math.ceil(mean + 12 * Math.sqrt(mean) + 12);
    if (this.pois.length <= last) this.pois = new Float64Array(2 * last + 2);
    let p = Math.exp(-mean);
    let total = 0;
    let n = 0;
    for (; n <= last && total < 1 - NEGLIGIBLE; n++) {
      this.pois[n] = p;
      total += p;
      p *= mean / (n + 1);
    }
    return n;
  }

  leftBuffer(size: number): Float64Array {
    if (this.left.length < size) this.left = new Float64Array(2 * size);
    this.left.fill(0, 0, size);
    return this.left;
  }

  /** The state buffer not holding the current state. */
  nextState(size: number): Float64Array {
    this.flip ^= 1;
    if (this.states[this.flip]!.length < size) this.states[this.flip] = new Float64Array(2 * size);
    const buffer = this.states[this.flip]!;
    buffer.fill(0, 0, size);
    return buffer;
  }
}

/** One scratch space serves every model: evaluations never interleave (no await inside). */
const SCRATCH = new Scratch();

/** A distribution over the integer z ≥ −offset: `p[i]` is P(z = i − offset), for i < length. */
interface ZDistribution {
  p: Float64Array;
  length: number;
  offset: number;
}

/**
 * One slot: agents freed serve the waiting first (the unserved are abandoned), then the slot's
 * answers (a Poisson count of mean `mean`) take the agents left. Returns the next distribution
 * (in scratch space) and the expected abandons of the slot.
 */
function step(state: ZDistribution, freed: readonly number[], mean: number, scratch: Scratch): { next: ZDistribution; abandons: number } {
  const { p, length, offset } = state;
  // L = agents left after serving the waiting, L ≥ 0
  const maxLeft = Math.max(0, length - 1 - offset) + freed.length;
  const left = scratch.leftBuffer(maxLeft + 1);
  let abandons = 0;
  for (let i = 0; i < length; i++) {
    const pz = p[i]!;
    if (pz < NEGLIGIBLE) continue;
    const z = i - offset;
    const free = z > 0 ? z : 0;
    const waiting = z < 0 ? -z : 0;
    for (let n = 0; n < freed.length; n++) {
      const pn = pz * freed[n]!;
      if (pn < NEGLIGIBLE) continue;
      if (n < waiting) {
        abandons += pn * (waiting - n);
        left[0]! += pn;
      } else left[free + n - waiting]! += pn;
    }
  }
  let top = maxLeft + 1;
  while (top > 1 && left[top - 1]! < NEGLIGIBLE) top--;
  // z' = L − A
  const poisLength = scratch.poisson(mean);
  const pois = scratch.pois;
  const nextOffset = poisLength - 1;
  const size = nextOffset + top;
  const next = scratch.nextState(size);
  for (let l = 0; l < top; l++) {
    const pl = left[l]!;
    if (pl < NEGLIGIBLE) continue;
    const base = nextOffset + l;
    for (let a = 0; a < poisLength; a++) next[base - a]! += pl * pois[a]!;
  }
  let start = 0;
  while (start < nextOffset && next[start]! < NEGLIGIBLE) start++;
  let end = size;
  while (end > start + 1 && next[end - 1]! < NEGLIGIBLE) end--;
  return { next: { p: next.subarray(start), length: end - start, offset: nextOffset - start }, abandons };
}

/**
 * Expected answers and abandons over the forecast's horizon, as a function of the number of
 * calls placed now. The state between slots is one integer z: z ≥ 0 agents free, or −z
 * customers who answered in the previous slot and still wait. The slots before any new call
 * can answer are the same whatever the number: they are computed once.
 */
export class OutlookModel {
  private readonly prefixSlots: number;
  private readonly prefixState: ZDistribution;
  private readonly prefixAbandons: number;
  private readonly prefixAnswers: number;
  readonly perCallAnswers: number;
  private readonly scratch = SCRATCH;

  constructor(private readonly f: SlotForecast) {
    const z0 = f.freeNow - f.waitingNow;
    const offset = Math.max(0, -z0);
    const p = new Float64Array(offset + Math.max(0, z0) + 1);
    p[offset + z0] = 1;
    let state: ZDistribution = { p, length: p.length, offset };
    let abandons = 0;
    let answers = f.waitingNow;
    let j = 0;
    const slots = f.inFlightAnswers.length;
    while (j < slots && (f.newCallAnswers[j] ?? 0) <= NEGLIGIBLE) {
      const mean = f.inFlightAnswers[j]!;
      const r = step(state, f.agentsFreed[j] ?? [1], mean, this.scratch);
      state = r.next;
      abandons += r.abandons;
      answers += mean;
      j++;
    }
    this.prefixSlots = j;
    // Keep the prefix out of the scratch space the evaluations reuse.
    this.prefixState = { p: state.p.slice(0, state.length), length: state.length, offset: state.offset };
    this.prefixAbandons = abandons;
    this.prefixAnswers = answers;
    this.perCallAnswers = f.newCallAnswers.reduce((sum, v) => sum + v, 0);
  }

  /** Expected answers and abandons with `extraCalls` placed now. */
  evaluate(extraCalls: number): Outlook {
    const f = this.f;
    const slots = f.inFlightAnswers.length;
    let state = this.prefixState;
    let abandons = this.prefixAbandons;
    let answers = this.prefixAnswers;
    // One more slot than the answers span: customers answering in the last slot may still be served.
    for (let j = this.prefixSlots; j <= slots; j++) {
      const mean = j < slots ? f.inFlightAnswers[j]! + extraCalls * (f.newCallAnswers[j] ?? 0) : 0;
      const r = step(state, f.agentsFreed[j] ?? [1], mean, this.scratch);
      state = r.next;
      abandons += r.abandons;
      answers += mean;
    }
    return { abandons, answers };
  }
}

/** Expected answers and abandons over the forecast's horizon with `extraCalls` placed now. */
export function outlook(f: SlotForecast, extraCalls: number): Outlook {
  return new OutlookModel(f).evaluate(extraCalls);
}

export interface PlacementDecision {
  /** Calls to place now. */
  calls: number;
  /** Abandon chance (per answered customer) of the last call placed, or of the first refused. */
  marginalRisk: number;
  /** The horizon with no new call. */
  base: Outlook;
  /** The horizon with `calls` new calls. */
  outlook: Outlook;
}

/**
 * The most calls (up to `cap`) such that each one, added in turn, raises the expected abandons
 * by at most `maxRisk` times its chance of being answered within the horizon: a call is placed
 * only while an answered customer it brings would find an agent with probability ≥ 1 − maxRisk.
 * The marginal risk grows with the number of calls, so after a few single steps the search
 * doubles, then bisects.
 */
export function callsWithinRisk(f: SlotForecast, maxRisk: number, cap: number): PlacementDecision {
  const model = new OutlookModel(f);
  const base = model.evaluate(0);
  const rho = model.perCallAnswers;
  if (rho <= NEGLIGIBLE || cap <= 0) return { calls: Math.max(0, cap), marginalRisk: 0, base, outlook: base };
  const cache = new Map<number, Outlook>([[0, base]]);
  const at = (k: number) => {
    let o = cache.get(k);
    if (!o) {
      o = model.evaluate(k);
      cache.set(k, o);
    }
    return o;
  };
  const risk = (k: number) => (at(k).abandons - at(k - 1).abandons) / rho;
  // Largest k ≤ cap with risk(k) ≤ maxRisk (risk grows with k).
  let good = 0;
  let bad = -1;
  for (let k = 1; k <= Math.min(cap, 4); k++) {
    if (risk(k) > maxRisk) {
      bad = k;
      break;
    }
    good = k;
  }
  if (bad < 0 && good < cap) {
    let step = 4;
    for (;;) {
      const k = Math.min(cap, good + step);
      if (risk(k) > maxRisk) {
        bad = k;
        break;
      }
      good = k;
      if (k === cap) break;
      step *= 2;
    }
  }
  if (bad > 0) {
    while (bad - good > 1) {
      const mid = (good + bad) >> 1;
      if (risk(mid) > maxRisk) bad = mid;
      else good = mid;
    }
  }
  const marginalRisk = bad > 0 ? risk(bad) : good > 0 ? risk(good) : 0;
  return { calls: good, marginalRisk, base, outlook: at(good) };
}
