/**
 * A VICIdial-style adaptive dial level, kept as the reference predictive pacing is measured
 * against (VICIdial's ADAPT_HARD_LIMIT method, intensity 0, no differential target).
 *
 * The dial level is lines per active agent (ready or on a call; agents in wrap-up are paused in
 * VICIdial's sense). Calls are placed up to round(level × active agents) lines, counting every
 * call of the group in flight, connected ones included: at level 1 this is progressive dialing.
 * Every 15 s the level is multiplied by (1 + d / a), where d is the average over the last 15 s
 * of (ready agents − customers waiting for an agent) and a the average of active agents; it is
 * clamped to [1, 3], and forced to 1 while the campaign's drop rate since the start (abandoned
 * over answered, once more than 50 calls were placed) exceeds the profile's target.
 *
 * The averages are time-weighted over the snapshots the dialer hands over; the pacer asks for
 * a pass every second so that they are sampled at least that often, as VICIdial does.
 */
import type { Profile } from '../../domain/profile.ts';
import type { GroupSnapshot, Pacer } from '../pacer.ts';
import { rateOf } from './abandon-counts.ts';
import type { PacingStats } from './pacing-stats.ts';

export interface AdaptiveSettings {
  intervalMs: number;
  minLevel: number;
  maxLevel: number;
  /** Calls placed since the start before the drop rate is enforced. */
  minCallsForDropRule: number;
  sampleMs: number;
}

export const defaultAdaptiveSettings: AdaptiveSettings = {
  intervalMs: 15_000,
  minLevel: 1,
  maxLevel: 3,
  minCallsForDropRule: 50,
  sampleMs: 1000,
};

export interface AdaptiveGroupView {
  level: number;
  at: number;
  /** Averages of the last completed interval. */
  differential: number;
  activeAgents: number;
  dropRate: number;
  forcedDown: boolean;
}

interface GroupState {
  level: number;
  intervalStart: number;
  lastAt: number;
  lastDiff: number;
  lastActive: number;
  diffIntegral: number;
  activeIntegral: number;
  view: AdaptiveGroupView;
}

export class VicidialAdaptivePacer implements Pacer {
  private readonly groups = new Map<string, GroupState>();

  constructor(
    private readonly stats: PacingStats,
    private readonly settings: AdaptiveSettings = defaultAdaptiveSettings,
  ) {}

  callsToPlace(s: GroupSnapshot, profile: Profile): number {
    for (const id of s.campaignIds) this.stats.assign(id, s.group);
    const g = this.state(s);
    // Time-weighted sampling of (ready − waiting) and active agents.
    const dt = Math.max(0, s.now - g.lastAt);
    g.diffIntegral += g.lastDiff * dt;
    g.activeIntegral += g.lastActive * dt;
    const active = s.agents.filter((a) => !a.paused && a.activity !== 'wrap-up').length;
    g.lastAt = s.now;
    g.lastDiff = s.available - s.waiting;
    g.lastActive = active;

    if (s.now - g.intervalStart >= this.settings.intervalMs) this.adjust(g, s, profile);

    const goal = Math.round(g.level * active);
    return Math.max(0, goal - s.calls.length);
  }

  recheckAt(_group: string, now: number): number | null {
    return now + this.settings.sampleMs;
  }

  views(): Map<string, AdaptiveGroupView> {
    return new Map([...this.groups].map(([group, g]) => [group, { ...g.view, level: g.level }]));
  }

  private adjust(g: GroupState, s: GroupSnapshot, profile: Profile): void {
    const span = s.now - g.intervalStart;
    const differential = g.diffIntegral / span;
    const activeAgents = g.activeIntegral / span;
    let level = activeAgents > 0 ? g.level * (1 + differential / activeAgents) : g.level;
    level = Math.min(this.settings.maxLevel, Math.max(this.settings.minLevel, level));
    let dropRate = 0;
    let placed = 0;
    for (const id of s.campaignIds) {
      const tally = this.stats.campaign(id).total;
      dropRate = Math.max(dropRate, rateOf(tally));
    }
    placed = this.stats.group(s.group).placed;
    const forcedDown = placed > this.settings.minCallsForDropRule && dropRate > profile.abandonTarget;
    if (forcedDown) level = this.settings.minLevel;
    g.level = level;
    g.view = { level, at: s.now, differential, activeAgents, dropRate, forcedDown };
    g.intervalStart = s.now;
    g.diffIntegral = 0;
    g.activeIntegral = 0;
  }

  private state(s: GroupSnapshot): GroupState {
    let g = this.groups.get(s.group);
    if (!g) {
      g = {
        level: this.settings.minLevel,
        intervalStart: s.now,
        lastAt: s.now,
        lastDiff: 0,
        lastActive: 0,
        diffIntegral: 0,
        activeIntegral: 0,
        view: { level: this.settings.minLevel, at: s.now, differential: 0, activeAgents: 0, dropRate: 0, forcedDown: false },
      };
      this.groups.set(s.group, g);
    }
    return g;
  }
}
