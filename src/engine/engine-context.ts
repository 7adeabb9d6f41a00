/**
 * What the engine's parts share: their dependencies (ports only), the in-memory state of the
 * floor (agents, live calls, active campaigns) and the event bus.
 */
import type { CampaignRecord } from '../domain/campaign.ts';
import { profileForType, type Profile } from '../domain/profile.ts';
import { withOverride, type PacingOverride } from '../domain/campaign-control.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import type { CampaignControlStore } from '../ports/campaign-control-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { ManualCallLog } from '../ports/manual-calls.ts';
import type { Store } from '../ports/store.ts';
import type { AgentRef, TelephonyDriver } from '../ports/telephony.ts';
import { AgentPool } from './agent-pool.ts';
import type { DialPolicy } from './dial-policy.ts';
import { DurableWrites } from './durable-writes.ts';
import { EngineEvents } from './engine-events.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { LiveCalls } from './live-calls.ts';
import type { PacerRegistry } from './pacer.ts';

export interface EngineSettings {
  timeZone: string;
  maxConcurrentCalls: number;
  maxCallsPerSecond: number;
  /** Longest an answered customer waits for an agent before the abandon message. */
  abandonHoldSeconds: number;
  /** Longest a desktop agent stays in wrap-up before returning to ready. */
  maxWrapUpSeconds: number;
  /** Agents brought into service at start (unattended operation), with their group. */
  agents: (AgentRef & { group: string })[];
  /** Record answered calls. */
  record: boolean;
  /** updateCampaign carries `disposition` and `note` (held for the disposition up to the wrap-up limit). */
  crmExtraFields?: boolean;
  /** How long a personal callback is kept for its agent before anyone may take it (default 300). */
  callbackGraceSeconds?: number;
  /** Attempt writes of a dial pass in flight at once (default 4): the store's round trips overlap. */
  placementsInFlight?: number;
}

export interface EngineDeps {
  store: Store;
  telephony: TelephonyDriver;
  clock: Clock;
  logger: Logger;
  settings: EngineSettings;
  profiles: { list: readonly Profile[]; fallback: Profile };
  policy: DialPolicy;
  pacers: PacerRegistry;
  /** Signed link of a stored recording. */
  recordingUrl(key: string, now: number): string;
  /** Called after a callback row was written, so delivery starts at once. */
  onCallbackQueued(): void;
  /** Where dispositions and scheduled callbacks are kept; without it there are none. */
  callbacks?: CallbackStore;
  /** Where manual calls are kept; without it agents cannot dial by hand. */
  manualCalls?: ManualCallLog;
  /** Where pauses, pacing overrides, agent moves and their audit are kept; without it, in memory only. */
  controlStore?: CampaignControlStore;
  /**
   * Whether this engine dials the agent group now (in a cluster each group is dialed by one
   * node at a time); without it, every group. Campaigns of other groups are not loaded here.
   */
  dialsGroup?: (group: string) => boolean;
}

export class EngineContext {
  readonly agents: AgentPool;
  readonly live = new LiveCalls();
  readonly events = new EngineEvents();
  readonly queue = new KeyedQueue();
  /** Retries the writes the engine must not lose; knows the last write failure. */
  readonly writes: DurableWrites;
  /** Campaigns not yet finished, by id. */
  readonly campaigns = new Map<number, CampaignRecord>();
  /** Whether something still holds a campaign's `completed` finish (a call awaiting its disposition). */
  finishHeld: (campaignId: number) => boolean = () => false;
  private groups: Map<string, string>;
  /** Groups supervisors moved agents to: over the configured or signed-in group (campaign-controls.ts). */
  private moved = new Map<string, string>();
  /** A running campaign's pacing override, on top of its profile (campaign-controls.ts). */
  pacingOverride: (campaignId: number) => PacingOverride | undefined = () => undefined;
  /** When a supervisor last set a pacing override on the campaign (null: none in force). */
  pacingOverrideAt: (campaignId: number) => number | null = () => null;
  /** Whether a supervisor paused the campaign: the dialer places no new leg for it. */
  campaignPaused: (campaignId: number) => boolean = () => false;

  constructor(readonly deps: EngineDeps) {
    this.groups = new Map(deps.settings.agents.map((a) => [a.agentCode, a.group]));
    this.agents = new AgentPool((code) => this.configuredGroup(code) ?? 'default');
    this.writes = new DurableWrites(deps.clock, deps.logger);
  }

  setAgentGroup(agentCode: string, group: string): void {
    this.groups.set(agentCode, group);
  }

  /** A supervisor's move: wins over the configured group and the group given at sign-in. */
  moveAgentGroup(agentCode: string, group: string): void {
    this.moved.set(agentCode, group);
  }

  /** The group an agent gets on the floor (undefined: neither configured nor moved). */
  configuredGroup(agentCode: string): string | undefined {
    return this.moved.get(agentCode) ?? this.groups.get(agentCode);
  }

  /** The campaign's profile, with a supervisor's pacing override on top when it has one. */
  profileOf(campaign: Pick<CampaignRecord, 'typeId'> & { id?: number }): Profile {
    const profile = profileForType(this.deps.profiles.list, campaign.typeId, this.deps.profiles.fallback);
    return campaign.id === undefined ? profile : withOverride(profile, this.pacingOverride(campaign.id));
  }

  /** The agent group a campaign dials for (its profile's). */
  groupOf(campaign: Pick<CampaignRecord, 'typeId'>): string {
    return profileForType(this.deps.profiles.list, campaign.typeId, this.deps.profiles.fallback).agentGroup;
  }

  /** Whether this engine runs the campaign (its group is one this engine dials). */
  runs(campaign: Pick<CampaignRecord, 'typeId'>): boolean {
    return this.deps.dialsGroup?.(this.groupOf(campaign)) ?? true;
  }

  log(bindings: Record<string, unknown>): Logger {
    return this.deps.logger.child(bindings);
  }
}
