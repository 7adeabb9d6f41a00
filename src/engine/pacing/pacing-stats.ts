/**
 * Live statistics for pacing, fed from the engine's events.
 *
 * Per agent group (the unit the dialer paces): how likely a call is to be answered, how long
 * answering takes, how long unanswered calls stay up, talk and wrap-up times — each over its
 * most recent samples, so the figures follow the campaign as it changes. Per campaign: the
 * abandon tally since start and over a rolling window (the measure the cap applies to).
 *
 * Whether and when calls are answered is taken in the order the calls were placed, once each
 * is resolved (answered, or ended unanswered): answers come within seconds while unanswered
 * calls ring for the whole timeout, so taking outcomes in the order they become known would
 * overstate the answer rate right after a burst of calls and understate it soon after.
 *
 * Events carry campaigns and agents, not groups: a pacer tells the statistics which group a
 * campaign dials for (`assign`) before its first call; an agent's wrap-up belongs to the group
 * of the call it just finished.
 */
import type { EngineEvents } from '../engine-events.ts';
import { AbandonCounts } from './abandon-counts.ts';
import { DurationWindow } from './duration-window.ts';

export interface StatsSettings {
  /** Resolved calls the answer probability is measured over. */
  outcomeWindow: number;
  /** Samples kept of each duration. */
  durationWindow: number;
  /** Rolling window of the abandon measure. */
  abandonWindowMs: number;
}

export const defaultStatsSettings: StatsSettings = {
  outcomeWindow: 2000,
  durationWindow: 1000,
  abandonWindowMs: 3_600_000,
};

export class GroupStats {
  /** Placed → answered, for answered calls. */
  readonly answerTime: DurationWindow;
  /** Placed → ended, for calls never answered. */
  readonly unansweredTime: DurationWindow;
  /** Connected → ended. */
  readonly talkTime: DurationWindow;
  /** Wrap-up → ready. */
  readonly wrapUpTime: DurationWindow;
  private readonly outcomes: Uint8Array;
  private outcomeCount = 0;
  private outcomeNext = 0;
  private answeredInWindow = 0;
  placed = 0;
  /** Customers abandoned since the statistics started. */
  abandoned = 0;

  constructor(settings: StatsSettings) {
    this.answerTime = new DurationWindow(settings.durationWindow, 0.25, 180);
    this.unansweredTime = new DurationWindow(settings.durationWindow, 0.25, 180);
    this.talkTime = new DurationWindow(settings.durationWindow, 2, 7200);
    this.wrapUpTime = new DurationWindow(settings.durationWindow, 1, 1800);
    this.outcomes = new Uint8Array(settings.outcomeWindow);
  }

  /** Calls whose answer or non-answer is known, in the window. */
  get resolved(): number {
    return this.outcomeCount;
  }

  get answered(): number {
    return this.answeredInWindow;
  }

  /** Share of resolved calls that were answered (0 before any). */
  answerProbability(): number {
    return this.outcomeCount === 0 ? 0 : this.answeredInWindow / this.outcomeCount;
  }

  outcome(answered: boolean): void {
    if (this.outcomeCount === this.outcomes.length) this.answeredInWindow -= this.outcomes[this.outcomeNext]!;
    else this.outcomeCount++;
    this.outcomes[this.outcomeNext] = answered ? 1 : 0;
    this.answeredInWindow += answered ? 1 : 0;
    this.outcomeNext = (this.outcomeNext + 1) % this.outcomes.length;
  }
}

interface CallRecord {
  campaignId: number;
  placedAt: number;
  answeredAt: number | null;
  connectedAt: number | null;
  /** Ended without an answer, at. */
  unansweredAt: number | null;
}

/** A call whose outcome is never learnt (lost in a restart) stops holding the queue after this long. */
const LOST_AFTER_MS = 600_000;

export class PacingStats {
  private readonly groups = new Map<string, GroupStats>();
  private readonly campaignGroups = new Map<number, string>();
  private readonly abandons = new Map<number, AbandonCounts>();
  private readonly calls = new Map<string, CallRecord>();
  /** Calls of each group in the order they were placed, until their outcome is taken in. */
  private readonly placementOrder = new Map<string, CallRecord[]>();
  private readonly agents = new Map<string, { group: string | null; wrapUpSince: number | null }>();

  constructor(readonly settings: StatsSettings = defaultStatsSettings) {}

  /** The campaign dials for `group` (called by pacers before its calls are placed). */
  assign(campaignId: number, group: string): void {
    this.campaignGroups.set(campaignId, group);
  }

  groupOf(campaignId: number): string | undefined {
    return this.campaignGroups.get(campaignId);
  }

  group(name: string): GroupStats {
    let g = this.groups.get(name);
    if (!g) {
      g = new GroupStats(this.settings);
      this.groups.set(name, g);
    }
    return g;
  }

  campaign(campaignId: number): AbandonCounts {
    let c = this.abandons.get(campaignId);
    if (!c) {
      c = new AbandonCounts(this.settings.abandonWindowMs);
      this.abandons.set(campaignId, c);
    }
    return c;
  }

  campaigns(): number[] {
    return [...this.campaignGroups.keys()];
  }

  /** Campaigns no longer dialled: keeps their group and tally out of later snapshots. */
  forget(campaignId: number): void {
    this.campaignGroups.delete(campaignId);
    this.abandons.delete(campaignId);
  }

  /** Starts listening; returns the function that stops. */
  observe(events: Pick<EngineEvents, 'on'>): () => void {
    const offs = [
      events.on('call:placed', ({ callId, campaignId, at }) => {
        const call: CallRecord = { campaignId, placedAt: at, answeredAt: null, connectedAt: null, unansweredAt: null };
        this.calls.set(callId, call);
        const group = this.campaignGroups.get(campaignId);
        if (group === undefined) return;
        this.group(group).placed++;
        let order = this.placementOrder.get(group);
        if (!order) this.placementOrder.set(group, (order = []));
        order.push(call);
      }),
      // A leg the driver refused was never dialled: it is no outcome and no placement.
      events.on('call:not-placed', ({ callId }) => {
        const call = this.calls.get(callId);
        if (!call) return;
        this.calls.delete(callId);
        const group = this.campaignGroups.get(call.campaignId);
        if (group === undefined) return;
        this.group(group).placed--;
        const order = this.placementOrder.get(group);
        const index = order?.indexOf(call) ?? -1;
        if (index >= 0) order!.splice(index, 1);
      }),
      events.on('call:answered', ({ callId, at }) => {
        const call = this.calls.get(callId);
        if (!call || call.answeredAt !== null) return;
        call.answeredAt = at;
        this.takeOutcomes(call, at);
      }),
      events.on('call:connected', ({ callId, at }) => {
        const call = this.calls.get(callId);
        if (!call || call.connectedAt !== null) return;
        call.connectedAt = at;
        this.campaign(call.campaignId).connected(at);
      }),
      events.on('call:ended', ({ callId, status, agentCode, at }) => {
        const call = this.calls.get(callId);
        if (!call) return;
        this.calls.delete(callId);
        const g = this.statsOf(call);
        if (call.answeredAt === null) {
          call.unansweredAt = at;
          this.takeOutcomes(call, at);
        }
        if (status === 'ABANDONED' && call.answeredAt !== null) {
          this.campaign(call.campaignId).abandoned(at);
          if (g) g.abandoned++;
        }
        if (call.connectedAt !== null) {
          g?.talkTime.add((at - call.connectedAt) / 1000);
          if (agentCode) this.agent(agentCode).group = this.campaignGroups.get(call.campaignId) ?? null;
        }
      }),
      events.on('agent:state', ({ agentCode, activity, at }) => {
        const a = this.agent(agentCode);
        if (a.wrapUpSince !== null && activity !== 'wrap-up' && a.group !== null) this.group(a.group).wrapUpTime.add((at - a.wrapUpSince) / 1000);
        a.wrapUpSince = activity === 'wrap-up' ? at : null;
      }),
      events.on('campaign:finished', ({ campaignId }) => this.forget(campaignId)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** Takes in the outcomes of the group's oldest calls, in placement order, as far as they are known. */
  private takeOutcomes(call: CallRecord, now: number): void {
    const group = this.campaignGroups.get(call.campaignId);
    const order = group === undefined ? undefined : this.placementOrder.get(group);
    if (!order || group === undefined) return;
    const g = this.group(group);
    let taken = 0;
    for (; taken < order.length; taken++) {
      const c = order[taken]!;
      if (c.answeredAt !== null) {
        g.answerTime.add((c.answeredAt - c.placedAt) / 1000);
        g.outcome(true);
      } else if (c.unansweredAt !== null) {
        g.unansweredTime.add((c.unansweredAt - c.placedAt) / 1000);
        g.outcome(false);
      } else if (now - c.placedAt < LOST_AFTER_MS) break;
    }
    if (taken > 0) order.splice(0, taken);
  }

  private statsOf(call: CallRecord): GroupStats | undefined {
    const group = this.campaignGroups.get(call.campaignId);
    return group === undefined ? undefined : this.group(group);
  }

  private agent(agentCode: string) {
    let a = this.agents.get(agentCode);
    if (!a) {
      a = { group: null, wrapUpSince: null };
      this.agents.set(agentCode, a);
    }
    return a;
  }
}
