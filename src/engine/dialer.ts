/**
 * The dial loop. A pass runs whenever something may have freed capacity (an agent became
 * available, a call ended, a campaign started, a contact became due, the rate limit refilled)
 * and never two at once. For each agent group it asks the pacer how many legs to place, then
 * hands them out among the group's running campaigns, fewest live calls first, so campaigns
 * that share agents share them evenly. Each leg is persisted (attempt counter, in-flight
 * attempt) before it is placed, and a number is never called twice at the same time.
 *
 * Due work first: a group is paced only when one of its campaigns has a contact due now. What
 * is due when is kept per campaign (`DueTimes`, read from the store when unknown) and forgotten
 * whenever something outside the dialer asks for a pass, since that is how every change that
 * can make a contact due (a call ended, a contact given back or reopened, a campaign started)
 * reaches it; a floor with nothing due costs a look-up per change and no pacing at all.
 *
 * Prompt per group: an event that concerns one group only (an agent of it became free, one of
 * its calls ended) queues that group alone, and the loop serves the queued groups one at a time,
 * alternating with the groups of a full pass in progress (`GroupTurns`); a free agent does not
 * wait for a pass over every group. In a group paced predictively, whose legs go out ahead of
 * its agents, an agent becoming free counts as any other change, so that it does not queue
 * before a progressive group's free agent, who has no leg until one is placed for it; and a
 * predictive group's long turn (the first pass of a large floor, a wave of legs ending together)
 * stops at its next slice when such an agent is waiting, and goes on after that group's turn.
 * While the floor is at the concurrent-call or a trunk's channel limit, any change asks for a
 * full pass instead, since a call ending anywhere frees room for all.
 *
 * A large pass yields to the event loop between slices of placements (`SLICE_CALLS` calls or
 * `SLICE_MS` of clock time), through the clock's `yieldNow` where it has one (the system clock;
 * a virtual clock runs nothing else meanwhile), so events and requests are not held up.
 *
 * When the store fails (database down, disk full) a pass stops where it is and the next one
 * comes after a back-off (1 s doubling to 10 s, sooner when a retried write lands): no leg is placed that could not be recorded.
 * A placement whose attempt write failed may still have been committed (a connection lost
 * during COMMIT): its number stays claimed until a later pass has read the attempt back, and
 * one that was committed is given back as not placed, so its contact is never left "dialing".
 */
import { attemptCallId } from '../domain/callbacks.ts';
import { dncUpdatePayload } from '../domain/callbacks.ts';
import type { CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import type { Profile } from '../domain/profile.ts';
import { subscriberKey } from '../domain/phone-number.ts';
import type { TimerHandle } from '../ports/clock.ts';
import type { EngineContext } from './engine-context.ts';
import type { GroupSnapshot } from './pacer.ts';
import type { PreviewOffers } from './preview-offers.ts';
import type { CallbackOffers } from './callback-offers.ts';
import { isStoreUnavailable } from '../ports/store.ts';
import { isLeaseLost } from '../ports/coordination.ts';
import type { ContactDecision } from './dial-policy.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { LiveCall } from './live-calls.ts';
import type { AgentStatus } from './agent-pool.ts';
import { GroupTurns, type TurnReason } from './group-turns.ts';
import type { AgentCandidate, CallRoute } from '../ports/telephony.ts';

const PASS_RETRY_FIRST_MS = 1_000;
const PASS_RETRY_MAX_MS = 10_000;
/** Placements per slice of a pass, and the clock time a slice may take, before it yields. */
export const SLICE_CALLS = 64;
export const SLICE_MS = 20;

/** What a leg placed for one agent only (preview Call, manual dial) needs. */
export interface ReservedLeg {
  profile: Profile;
  contact: ContactRecord;
  audit: Record<string, unknown> | null;
  /** The agent, already reserved for this call. */
  agentCode: string;
  /** A manual call's id: recorded in the manual-call log instead of as a campaign attempt. */
  manualCallId?: string;
}

interface CampaignSlot {
  campaign: CampaignRecord;
  profile: Profile;
  candidates: ContactRecord[] | null;
  /** The last fetch of candidates was full: more may be due once these are used. */
  moreDue: boolean;
  /** Candidates of the last fetch taken (placed or screened). */
  taken: number;
  exhausted: boolean;
  assigned: number;
  /** Calls of the campaign up at the start of the pass. */
  baseLoad: number;
  /** Its group was not paced this pass (settled). */
  skipped?: boolean;
}

/** Longest a group whose pacing placed nothing goes unpaced while its floor does not change. */
const SETTLED_MS = 1_000;

/** What a pacing decision depends on besides time: the group's counts, campaigns and pacing. */
function settledKey(s: GroupSnapshot, profile: Profile): string {
  return [
    s.available,
    s.loggedIn,
    s.talking,
    s.wrapUp,
    s.reserved,
    s.unconnected,
    s.waiting,
    s.calls.length,
    s.campaignIds.join(','),
    profile.name,
    profile.dialMode,
    profile.powerRatio,
    profile.abandonTarget,
  ].join('|');
}

/**
 * Placements of one pass whose attempt write may be in flight at once (PostgreSQL round trips),
 * unless the settings say otherwise: a part of the pool, which keeps room for calls ending.
 */
const PLACEMENTS_IN_FLIGHT = 4;

/**
 * Placements of a pass in flight: their attempt writes overlap, their legs reach the driver in
 * the order they were started (`last`). The first failure is thrown by `room` or `all`, once
 * the others have settled: the pass stops there as it would have after that one write.
 */
class Placements {
  private pending = new Set<Promise<void>>();
  private failure: { error: unknown } | null = null;
  /** Settles once the latest placement started has been handed to the driver (or failed). */
  last: Promise<unknown> = Promise.resolve();

  constructor(private readonly limit: number) {}

  add(placement: Promise<string>): void {
    this.last = placement.catch(() => undefined);
    const tracked: Promise<void> = placement.then(
      () => void this.pending.delete(tracked),
      (error: unknown) => {
        this.pending.delete(tracked);
        this.failure ??= { error };
      },
    );
    this.pending.add(tracked);
  }

  /** Waits until fewer than the limit are in flight; throws the first failure. */
  async room(): Promise<void> {
    while (this.pending.size >= this.limit && !this.failure) await Promise.race(this.pending);
    if (this.failure) await this.all();
  }

  /** Waits for every placement; throws the first failure. */
  async all(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
    if (this.failure) throw this.failure.error;
  }
}

/** Most candidates read at once: a first pass of thousands of agents reads them in batches. */
const CANDIDATE_BATCH = 500;

/**
 * When each campaign next has a contact due, as last read from the store: null for none
 * pending. An entry read before the latest `changed()` is not trusted.
 */
class DueTimes {
  private generation = 0;
  private known = new Map<number, { at: number | null; generation: number }>();

  /** Something may have made a contact due sooner: what was read so far is not trusted. */
  changed(): void {
    this.generation++;
  }

  /** The change count a read starting now is stamped with. */
  stamp(): number {
    return this.generation;
  }

  set(campaignId: number, at: number | null, stamp: number): void {
    this.known.set(campaignId, { at, generation: stamp });
  }

  /**
   * The next due time if still trusted (null: nothing pending), undefined when unknown. A
   * campaign with a contact due by `now` stays due whatever changed (a change only makes
   * contacts due sooner); the pass that finds none left reads it again.
   */
  get(campaignId: number, now: number): number | null | undefined {
    const entry = this.known.get(campaignId);
    if (!entry) return undefined;
    if (entry.at !== null && entry.at <= now) return entry.at;
    return entry.generation === this.generation ? entry.at : undefined;
  }

  forget(campaignId: number): void {
    this.known.delete(campaignId);
  }
}

/** The group's calls and agents, bucketed once per pass. */
interface GroupFloor {
  calls: LiveCall[];
  agents: AgentStatus[];
}

export class Dialer {
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  private running = false;
  private again = false;
  private stopped = false;
  private limiter: RateLimiter;
  private failedPasses = 0;
  /** Placements whose attempt write failed, by call id: committed or not is unknown until read back. */
  private unconfirmed = new Map<string, LiveCall>();
  private due = new DueTimes();
  /** Per group: the floor its last pacing saw when that placed nothing, and until when that holds. */
  private settled = new Map<string, { key: string; until: number }>();
  /** The groups waiting for their turn (see the module note). */
  private turns = new GroupTurns();
  /** A full pass is due (the timer fired, or something concerning every group happened). */
  private fullPending = false;
  private nudgeTimer: TimerHandle | null = null;
  /**
   * Groups paced predictively when last served: their legs are placed ahead of their agents, so
   * an agent of theirs becoming free is no more urgent than a call ending (see `schedule`).
   */
  private pacedAhead = new Set<string>();
  /** The last pass stopped at the concurrent-call or a trunk's limit: room freed anywhere concerns every group. */
  private capped = false;
  /** Preview offers (set by the engine once both exist). */
  previews: PreviewOffers | null = null;
  /** Scheduled callbacks (set by the engine when the store keeps them). */
  callbacks: CallbackOffers | null = null;

  constructor(
    private ctx: EngineContext,
    private onLegFailed: (callId: string, reason: string) => void,
    private onContactFinal: (campaignId: number) => void,
  ) {
    this.limiter = new RateLimiter(ctx.deps.clock, ctx.deps.settings.maxCallsPerSecond);
    // The store writes again (a call's retried write landed): dial now rather than after the back-off.
    ctx.writes.onRecovered(() => this.schedule());
  }

  /**
   * Asks for a pass after `delayMs` (coalesced with any earlier one), over every group, or at
   * once over `group` alone when the change concerns only it (`reason`: an agent of it became
   * free, or something else). Whatever asks may have made a contact due sooner, so the next due
   * times are read again.
   */
  schedule(delayMs = 0, group?: string, reason: TurnReason = 'changed'): void {
    this.due.changed();
    if (group === undefined || delayMs > 0 || this.capped) {
      this.arm(delayMs);
      return;
    }
    if (this.stopped) return;
    this.turns.nudge(group, reason === 'freed' && this.pacedAhead.has(group) ? 'changed' : reason);
    // A pass in progress takes the group in its loop; otherwise one starts on the next turn.
    if (this.running || this.nudgeTimer) return;
    this.nudgeTimer = this.ctx.deps.clock.setTimer(0, () => {
      this.nudgeTimer = null;
      void this.pass();
    });
  }

  /** A pass after `delayMs`, for the dialer's own wake-ups (nothing changed meanwhile). */
  private arm(delayMs: number): void {
    if (this.stopped) return;
    const { clock } = this.ctx.deps;
    const at = clock.now() + Math.max(0, delayMs);
    if (this.timer && this.timerAt <= at) return;
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = clock.setTimer(Math.max(0, delayMs), () => {
      this.timer = null;
      this.timerAt = Infinity;
      this.fullPending = true;
      void this.pass();
    });
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = null;
    this.nudgeTimer?.cancel();
    this.nudgeTimer = null;
    this.turns.clear();
  }

  private async pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        await this.dialOnce();
      } while ((this.again || this.fullPending || this.turns.pending) && !this.stopped);
      if (this.failedPasses > 0) {
        this.ctx.deps.logger.info({ failedPasses: this.failedPasses }, 'dialling resumed');
        this.ctx.writes.succeeded();
      }
      this.failedPasses = 0;
    } catch (error) {
      this.failedPasses++;
      const retryInMs = Math.min(PASS_RETRY_MAX_MS, PASS_RETRY_FIRST_MS * 2 ** Math.min(10, this.failedPasses - 1));
      if (isStoreUnavailable(error)) this.ctx.writes.failed('dial pass', error, this.failedPasses);
      // Another node took the group while this pass dialled it: expected in a cluster, not a fault.
      else if (isLeaseLost(error)) this.ctx.deps.logger.warn({ group: error.group, retryInMs }, 'agent group lost during a dial pass: the node holding it dials it now');
      else this.ctx.deps.logger.error({ err: String((error as Error)?.stack ?? error), retryInMs }, 'dial pass failed');
      this.turns.clear();
      this.schedule(retryInMs);
    } finally {
      this.running = false;
    }
  }

  /** The group's calls in flight and its online agents. */
  private floorOf(group: string): GroupFloor {
    const agents: AgentStatus[] = [];
    for (const agent of this.ctx.agents.inGroup(group)) if (agent.online) agents.push(agent);
    return { calls: this.ctx.live.ofGroup(group), agents };
  }

  private snapshot(group: string, now: number, slots: CampaignSlot[], floor: GroupFloor): GroupSnapshot {
    const { calls, agents } = floor;
    const a = { available: 0, talking: 0, wrapUp: 0, reserved: 0 };
    for (const agent of agents) {
      const state = agent.shift.state;
      if (state === 'ready') a.available++;
      else if (state === 'talking') a.talking++;
      else if (state === 'wrap-up') a.wrapUp++;
      else if (state === 'reserved') a.reserved++;
    }
    let unconnected = 0;
    let waiting = 0;
    for (const c of calls) {
      // A leg that has its agent already (being bridged to it, or placed for one agent by a
      // preview or manual dial) needs no other: its agent is counted as reserved, not available.
      if (c.state !== 'connected' && c.state !== 'ended' && c.agentCode === null && c.reservedFor === undefined) unconnected++;
      if (c.waitingSince !== null) waiting++;
    }
    return {
      now,
      group,
      available: a.available,
      loggedIn: agents.length,
      talking: a.talking,
      wrapUp: a.wrapUp,
      reserved: a.reserved,
      unconnected,
      waiting,
      campaignIds: slots.map((s) => s.campaign.id),
      calls,
      agents,
    };
  }

  /**
   * Whether any of the slots has a contact due now, reading the next due time of those not
   * known; a slot with nothing due is marked exhausted. Adds to `wake` when one falls due later.
   */
  private async anyDue(slots: CampaignSlot[], now: number, wake: { at: number }): Promise<boolean> {
    let any = false;
    for (const slot of slots) {
      let at = this.due.get(slot.campaign.id, now);
      if (at === undefined) {
        const stamp = this.due.stamp();
        at = await this.ctx.deps.store.nextDueAt(slot.campaign.id);
        this.due.set(slot.campaign.id, at, stamp);
      }
      if (at !== null && at <= now) any = true;
      else {
        slot.exhausted = true;
        if (at !== null) wake.at = Math.min(wake.at, at);
      }
    }
    return any;
  }

  /** Lets the event loop run (timers, I/O, requests) when the clock can; see the module note. */
  private async yieldTurn(): Promise<void> {
    const { clock } = this.ctx.deps;
    if (clock.yieldNow) await clock.yieldNow();
  }

  private async dialOnce(): Promise<void> {
    const { telephony, clock, settings, policy, pacers } = this.ctx.deps;
    await this.settleUnconfirmed();
    if (!telephony.health().ready) {
      this.turns.clear();
      this.fullPending = false;
      this.arm(1000);
      return;
    }
    let now = clock.now();
    const wake = { at: Infinity };
    const byGroup = new Map<string, CampaignSlot[]>();
    for (const campaign of this.ctx.campaigns.values()) {
      if (campaign.state !== 'running' || now < campaign.startsAt || now >= campaign.endsAt) {
        if (campaign.state !== 'running' && campaign.state !== 'scheduled') this.due.forget(campaign.id);
        continue;
      }
      // Paused by a supervisor: its calls in progress go on, no new leg, offer or callback.
      if (this.ctx.campaignPaused(campaign.id)) continue;
      const profile = this.ctx.profileOf(campaign);
      const gate = policy.campaignGate(campaign, profile, now);
      if (gate) {
        if (gate.closedUntil !== null) wake.at = Math.min(wake.at, gate.closedUntil);
        continue;
      }
      const list = byGroup.get(profile.agentGroup) ?? [];
      list.push({ campaign, profile, candidates: null, moreDue: false, taken: 0, exhausted: false, assigned: 0, baseLoad: 0 });
      byGroup.set(profile.agentGroup, list);
    }

    if (this.fullPending) {
      this.fullPending = false;
      this.capped = false;
      this.turns.sweepAll(byGroup.keys());
    }
    const served: CampaignSlot[][] = [];
    let liveByProfile: Map<string, number> | null = null;
    let sliceStart = now;
    let sinceYield = 0;
    for (let group = this.turns.next(); group !== undefined; group = this.turns.next()) {
      if (this.stopped) return;
      // A change concerning every group (a campaign started or closed, a timer): the pass starts
      // again from the campaigns as they are now; the groups not served yet keep their place.
      if (this.fullPending) {
        this.turns.nudge(group);
        break;
      }
      // Fresh slots for each turn: a group named again in the same pass starts from its floor as it is then.
      const all = byGroup.get(group)?.map((s): CampaignSlot => ({ campaign: s.campaign, profile: s.profile, candidates: null, moreDue: false, taken: 0, exhausted: false, assigned: 0, baseLoad: 0 }));
      if (!all) continue; // nothing to dial there (no running campaign), or one started since: a full pass follows
      served.push(all);
      // Many groups: a pass lets the event loop run between them too.
      if (clock.now() - sliceStart >= SLICE_MS) {
        await this.yieldTurn();
        now = clock.now();
        sliceStart = now;
        sinceYield = 0;
        liveByProfile = null;
      }
      const previews = all.filter((s) => s.profile.dialMode === 'preview');
      const slots = all.filter((s) => s.profile.dialMode !== 'preview');
      // A group whose last pacing placed nothing and whose floor has not changed since is not
      // paced again before its recheck (at most SETTLED_MS): the answer would be the same.
      let key: string | null = null;
      let floor: GroupFloor | null = null;
      if (previews.length === 0 && slots.length > 0) {
        floor = this.floorOf(group);
        key = settledKey(this.snapshot(group, now, slots, floor), this.pacingLead(slots).profile);
        const settled = this.settled.get(group);
        if (settled && settled.key === key && now < settled.until) {
          wake.at = Math.min(wake.at, settled.until);
          for (const slot of slots) slot.skipped = true;
          continue;
        }
      }
      // Personal callbacks first: offered to their own agents, kept from the others.
      if (this.callbacks) wake.at = Math.min(wake.at, await this.callbacks.pass(all, now, this, this.previews));
      if (previews.length > 0) await this.offerPreviews(group, previews, now);
      if (slots.length === 0) continue;
      // Nothing due: the pacer is not asked (on a large floor its model is the costly part).
      if (!(await this.anyDue(slots, now, wake))) continue;
      // The floor as it is now (callbacks and previews above may have taken agents meanwhile).
      floor = this.floorOf(group);
      for (const slot of slots) slot.baseLoad = this.ctx.live.countCampaign(slot.campaign.id);
      // The group's agents are paced as one: by the pacing a supervisor set last on one of its
      // campaigns, else by the first campaign's profile.
      const lead = this.pacingLead(slots);
      const pacer = pacers[lead.profile.dialMode as Exclude<Profile['dialMode'], 'preview'>];
      if (lead.profile.dialMode === 'predictive') this.pacedAhead.add(group);
      else this.pacedAhead.delete(group);
      const placing = new Placements(settings.placementsInFlight ?? PLACEMENTS_IN_FLIGHT);
      const snapshot = this.snapshot(group, now, slots, floor);
      let want = pacer.callsToPlace(snapshot, lead.profile);
      const recheck = pacer.recheckAt?.(group, now) ?? null;
      if (recheck !== null) wake.at = Math.min(wake.at, Math.max(recheck, now + 1));
      if (want === 0 && key !== null) this.settled.set(group, { key: settledKey(snapshot, lead.profile), until: Math.min(recheck ?? Infinity, now + SETTLED_MS) });
      else this.settled.delete(group);
      while (want > 0) {
        if (this.stopped) return;
        if (this.ctx.live.size >= settings.maxConcurrentCalls) {
          this.capped = true;
          break;
        }
        if (this.limiter.available() < 1) {
          wake.at = Math.min(wake.at, now + this.limiter.msUntilNext());
          break;
        }
        const slot = this.fairest(slots, (s) => s.baseLoad + s.assigned);
        if (!slot) break;
        // The profile's trunk is full: its campaigns wait rather than spend an attempt on a refusal.
        if (slot.profile.maxChannels > 0) {
          liveByProfile ??= this.liveByProfile();
          if ((liveByProfile.get(slot.profile.name) ?? 0) >= slot.profile.maxChannels) {
            this.capped = true;
            slot.exhausted = true;
            continue;
          }
        }
        const contact = await this.nextCandidate(slot, want, now);
        if (!contact) continue;
        if (slot.campaign.state !== 'running') {
          slot.exhausted = true;
          continue;
        }
        const audit = await this.screen(slot, contact, now);
        if (audit === false) continue;
        slot.assigned++;
        want--;
        placing.add(this.place(slot, contact, audit, now, undefined, placing.last));
        await placing.room();
        if (liveByProfile) liveByProfile.set(slot.profile.name, (liveByProfile.get(slot.profile.name) ?? 0) + 1);
        // A large pass lets the event loop run between slices.
        if (++sinceYield >= SLICE_CALLS || clock.now() - sliceStart >= SLICE_MS) {
          await placing.all();
          await this.yieldTurn();
          now = clock.now();
          sliceStart = now;
          sinceYield = 0;
          liveByProfile = null;
          // A group paced ahead of its agents gives its turn up to a group whose free agent
          // has no leg yet, and takes it again after that one: its remaining legs can wait a slice.
          if (want > 0 && this.pacedAhead.has(group) && this.turns.freedWaiting) {
            this.turns.nudge(group);
            break;
          }
        }
      }
      await placing.all();
    }

    // Wake up when the earliest pending contact of a dialable campaign becomes due: known for
    // the slots with nothing due; read again for those whose candidates this pass used up.
    for (const slots of served) {
      for (const slot of slots) {
        if (slot.skipped || (slot.candidates !== null && !slot.exhausted)) continue; // not paced, or still has due contacts
        let at = this.due.get(slot.campaign.id, now);
        if (at === undefined || slot.candidates !== null) {
          const stamp = this.due.stamp();
          at = await this.ctx.deps.store.nextDueAt(slot.campaign.id);
          this.due.set(slot.campaign.id, at, stamp);
        }
        if (at !== null && at > now) wake.at = Math.min(wake.at, at);
      }
    }
    if (wake.at !== Infinity) this.arm(wake.at - clock.now());
  }

  /**
   * The compliance checks before a contact is dialled or offered: the contact's audit record
   * when it may be called now, false when it was postponed, reported as DNC, or its campaign
   * stopped meanwhile.
   */
  private async screen(slot: CampaignSlot, contact: ContactRecord, now: number): Promise<Record<string, unknown> | null | false> {
    const decision = await this.ctx.deps.policy.checkContact(contact, slot.campaign, slot.profile, now);
    // The campaign may have been closed or expired while the policy was deciding (a DNC
    // lookup, a frequency-cap query); checked again with no await before the leg is claimed.
    if (slot.campaign.state !== 'running') {
      slot.exhausted = true;
      return false;
    }
    return this.applyDecision(contact, decision, now);
  }

  /** Acts on a policy decision: postpones or reports the contact (false), or gives its audit record. */
  async applyDecision(contact: ContactRecord, decision: ContactDecision, now: number): Promise<Record<string, unknown> | null | false> {
    if (decision.kind === 'postpone') {
      await this.ctx.deps.store.postponeContact(contact.campaignId, contact.contactId, decision.until, decision.reason);
      this.ctx.events.emit('contact:skipped', { campaignId: contact.campaignId, contactId: contact.contactId, reason: decision.reason, at: now });
      this.ctx.log({ campaignId: contact.campaignId, contactId: contact.contactId }).info({ reason: decision.reason, until: decision.until }, 'contact waits');
      return false;
    }
    if (decision.kind === 'dnc') {
      await this.reportDnc(contact, now);
      return false;
    }
    return decision.audit;
  }

  /**
   * Preview campaigns: each ready agent of the group is offered one due contact that passed
   * the compliance checks; the agent calls or skips it (preview-offers.ts). Fairest campaign
   * first, counting offers with live calls.
   */
  private async offerPreviews(group: string, slots: CampaignSlot[], now: number): Promise<void> {
    const previews = this.previews;
    if (!previews) return;
    const agents = this.ctx.agents.available(group).sort((a, b) => a.since - b.since);
    for (const agent of agents) {
      for (;;) {
        if (!this.ctx.agents.isAvailable(agent) || previews.has(agent.agentCode)) break;
        const slot = this.fairest(slots, undefined, (id) => previews.countCampaign(id));
        if (!slot) return;
        const contact = await this.nextCandidate(slot, agents.length, now);
        if (!contact) continue;
        if (previews.isOffered(contact.campaignId, contact.contactId) || slot.campaign.state !== 'running') continue;
        const audit = await this.screen(slot, contact, now);
        if (audit === false) continue;
        // The agent may have been taken (a call, a pause, sign-out) while the checks ran.
        if (!this.ctx.agents.isAvailable(agent) || previews.isOffered(contact.campaignId, contact.contactId)) break;
        previews.offer(agent.agentCode, slot.campaign, slot.profile, contact, this.ctx.deps.clock.now());
        break;
      }
    }
  }

  /** Places a leg for one agent only (preview Call, manual dial); the agent is already reserved. Resolves with the call id. */
  async placeReserved(leg: ReservedLeg): Promise<string> {
    return this.place({ profile: leg.profile }, leg.contact, leg.audit, this.ctx.deps.clock.now(), leg);
  }

  /** Reads back the attempts whose write failed: one that was committed after all is ended as not placed. */
  private async settleUnconfirmed(): Promise<void> {
    for (const [callId, placed] of [...this.unconfirmed]) {
      const attempt = await this.ctx.deps.store.getAttempt(callId);
      this.unconfirmed.delete(callId);
      const call = this.ctx.live.get(callId);
      if (!call) {
        // Given up with its agent group meanwhile, and committed after all: not left open unseen.
        if (attempt && attempt.state !== 'ended' && attempt.state !== 'unplaced') this.landedLate(placed, 'its attempt write reported a failure');
        continue;
      }
      if (attempt && attempt.state !== 'ended') {
        this.ctx.log({ callId, campaignId: call.campaignId }).warn('attempt was recorded although its write reported a failure; giving it back as not placed');
        this.onLegFailed(callId, 'its attempt write reported a failure');
      } else {
        this.ctx.live.remove(callId);
        this.onContactFinal(call.campaignId);
      }
    }
  }

  /**
   * An attempt written for a call that left the live set when its agent group was given up: it
   * is open in the store and no leg was placed for it. A node takes a group's open attempts up
   * when it takes the group, but this one may have landed after this node took the group back;
   * so while the node holds the group, the call is live again and its attempt given back (the
   * placement guard). Adopted meanwhile, it is followed as any other; not held, the group's next
   * holder adopts it when it takes the group (the write landed first).
   */
  private landedLate(call: LiveCall, reason: string): void {
    if (this.ctx.live.get(call.callId) || !(this.ctx.deps.dialsGroup?.(call.group) ?? true)) return;
    this.ctx.log({ callId: call.callId, campaignId: call.campaignId }).warn({ reason }, 'attempt landed after its agent group was given up: giving it back');
    this.ctx.live.add(call);
    this.onLegFailed(call.callId, reason);
  }

  /**
   * Who could take a leg (for a driver over several PBXs, which places it where they are): the
   * agent a reserved leg is for, else the group's online agents as they are now.
   */
  private routeOf(group: string, reservedFor: string | undefined): CallRoute {
    if (reservedFor !== undefined) return { group, agents: [{ agentCode: reservedFor, ready: true }] };
    const agents: AgentCandidate[] = [];
    for (const agent of this.ctx.agents.inGroup(group)) if (agent.online) agents.push({ agentCode: agent.agentCode, ready: agent.shift.state === 'ready' });
    return { group, agents };
  }

  /** Calls up per profile name. */
  private liveByProfile(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of this.ctx.live.all()) {
      const campaign = this.ctx.campaigns.get(call.campaignId);
      if (!campaign) continue;
      const name = this.ctx.profileOf(campaign).name;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  private pacingLead(slots: CampaignSlot[]): CampaignSlot {
    let lead = slots[0]!;
    let at = -Infinity;
    for (const s of slots) {
      const changedAt = this.ctx.pacingOverrideAt(s.campaign.id);
      if (changedAt !== null && changedAt > at) {
        lead = s;
        at = changedAt;
      }
    }
    return lead;
  }

  /**
   * The campaign of the group with the fewest calls up (by `load`; default: live calls plus
   * `extraLoad`), that still has candidates.
   */
  private fairest(slots: CampaignSlot[], load?: (slot: CampaignSlot) => number, extraLoad: (campaignId: number) => number = () => 0): CampaignSlot | undefined {
    let best: CampaignSlot | undefined;
    let bestLoad = Infinity;
    for (const s of slots) {
      if (s.exhausted) continue;
      const l = load ? load(s) : this.ctx.live.countCampaign(s.campaign.id) + extraLoad(s.campaign.id);
      if (l < bestLoad) {
        best = s;
        bestLoad = l;
      }
    }
    return best;
  }

  private async nextCandidate(slot: CampaignSlot, want: number, now: number): Promise<ContactRecord | undefined> {
    for (;;) {
      if (slot.candidates === null || (slot.candidates.length === 0 && slot.moreDue && slot.taken > 0)) {
        // Fetch a few extra: some may be skipped because their number is already on a call.
        // Read in batches: the contacts taken from the last one are no longer pending.
        const limit = Math.min(Math.max(want, 1), CANDIDATE_BATCH) + 16;
        slot.candidates = await this.ctx.deps.store.dueContacts(slot.campaign.id, now, limit);
        slot.moreDue = slot.candidates.length === limit;
        slot.taken = 0;
        if (slot.candidates.length === 0) slot.exhausted = true;
      }
      while (slot.candidates.length > 0) {
        const c = slot.candidates.shift()!;
        const subscriber = subscriberKey(c.dialNumber);
        // Not while the number is on a call, or offered to an agent for preview.
        if (this.callbacks?.isKept(c.campaignId, c.contactId)) continue; // a personal callback in its grace
        if (!this.ctx.live.isCalling(subscriber) && !this.previews?.isOfferedNumber(subscriber)) {
          slot.taken++;
          return c;
        }
      }
      if (!(slot.moreDue && slot.taken > 0)) break;
    }
    slot.exhausted = true;
    return undefined;
  }

  async reportDnc(contact: ContactRecord, now: number): Promise<void> {
    const payload = dncUpdatePayload(contact, now, this.ctx.deps.settings.timeZone);
    if (await this.ctx.deps.store.finalizeWithoutCall(contact.campaignId, contact.contactId, 'dnc', payload, now)) {
      this.ctx.log({ campaignId: contact.campaignId, contactId: contact.contactId }).info('contact on a do-not-call list: not dialled');
      this.ctx.events.emit('contact:skipped', { campaignId: contact.campaignId, contactId: contact.contactId, reason: 'dnc', at: now });
      this.ctx.deps.onCallbackQueued();
      this.onContactFinal(contact.campaignId);
    }
  }

  private async place(
    slot: Pick<CampaignSlot, 'profile'>,
    contact: ContactRecord,
    audit: Record<string, unknown> | null,
    now: number,
    reserved?: ReservedLeg,
    /** Placed only after this settles: placements written concurrently still reach the driver in order. */
    after?: Promise<unknown>,
  ): Promise<string> {
    const { store, telephony } = this.ctx.deps;
    const manual = reserved?.manualCallId !== undefined;
    const attemptNo = manual ? 0 : contact.attempts + 1;
    const callId = reserved?.manualCallId ?? attemptCallId(contact.campaignId, contact.contactId, attemptNo);
    const agent = reserved ? this.ctx.agents.get(reserved.agentCode) : undefined;
    const call = {
      callId,
      campaignId: contact.campaignId,
      contactId: contact.contactId,
      attemptNo,
      phoneNumber: contact.phoneNumber,
      dialNumber: contact.dialNumber,
      subscriber: subscriberKey(contact.dialNumber),
      group: agent?.group ?? slot.profile.agentGroup,
      state: 'dialing' as const,
      startedAt: now,
      ringingAt: null,
      answeredAt: null,
      connectedAt: null,
      agentCode: null,
      stationId: null,
      waitingSince: null,
      hangupRequested: false,
      ...(reserved ? { reservedFor: reserved.agentCode } : {}),
      ...(manual ? { manual: true } : {}),
    };
    // Claim the number before the first await so no other pass can dial it meanwhile, and the
    // rate: placements written concurrently must not all see the same tokens.
    this.ctx.live.add(call);
    this.limiter.take();
    // The agent waits for this call (its customer is bridged to it alone).
    if (agent) agent.callId = callId;
    try {
      if (manual) {
        const log = this.ctx.deps.manualCalls!;
        await log.begin({ callId, agentCode: reserved!.agentCode, stationId: agent?.stationId ?? null, dialNumber: contact.dialNumber, startedAt: now, audit });
      } else await store.beginAttempt({ callId, campaignId: contact.campaignId, contactId: contact.contactId, attemptNo, dialNumber: contact.dialNumber, startedAt: now, audit });
    } catch (error) {
      // Not placed. The number stays claimed until the attempt is read back (see settleUnconfirmed),
      // and the pass stops here: the next one comes after a back-off.
      this.unconfirmed.set(callId, call);
      this.ctx.log({ campaignId: contact.campaignId, contactId: contact.contactId }).warn({ err: String(error) }, 'attempt not started: call not placed');
      throw error;
    }
    if (after) await after;
    // The node gave the call's agent group up (its lease lapsed) while the attempt was being
    // written, and the write landed all the same: the leg is not placed (nobody here follows it).
    if (this.ctx.live.get(callId) !== call) {
      this.landedLate(call, 'its agent group was given up while its attempt was written');
      return callId;
    }
    const log = this.ctx.log({ campaignId: contact.campaignId, contactId: contact.contactId, callId });
    log.info({ attemptNo, number: contact.dialNumber }, 'placing call');
    this.ctx.events.emit('call:placed', { callId, campaignId: contact.campaignId, contactId: contact.contactId, attemptNo, at: now });
    telephony
      .placeCall({
        callId,
        number: contact.dialNumber,
        callerId: slot.profile.callerId,
        ringTimeoutSeconds: slot.profile.ringTimeoutSeconds,
        trunkChannelLimit: slot.profile.maxChannels,
        tags: { campaignId: contact.campaignId, contactId: contact.contactId, attemptNo },
        ...(telephony.canConnect ? { route: this.routeOf(call.group, reserved?.agentCode) } : {}),
      })
      .then(() => {
        // The campaign was closed while the leg was being placed.
        if (call.hangupRequested) return telephony.hangup(callId);
      })
      .catch((error) => {
        log.warn({ err: String((error as Error)?.message ?? error) }, 'call could not be placed');
        this.onLegFailed(callId, String((error as Error)?.message ?? error));
      });
    return callId;
  }
}
