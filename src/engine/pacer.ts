/**
 * Pacing: how many new customer legs a group of agents should have placed right now.
 *
 * - progressive: one leg per available agent, counting legs already placed that have no agent
 *   yet (a leg that will answer needs an agent).
 * - power: a fixed number of legs per available agent.
 * - predictive: adaptive, from live statistics of the group's calls and agents
 *   (`pacing/predictive-pacer.ts`, built per engine by `pacing/create-pacing.ts`); the
 *   stateless registry below falls back to progressive for it.
 *
 * The dialer hands a pacer a snapshot of the group: counts for the simple modes, and the
 * group's calls in flight and agents for the ones that predict when answers arrive and agents
 * free up. A pacer may also ask to be consulted again at a given time (`recheckAt`), since an
 * agent about to leave wrap-up or a call about to reach its typical answer time raises no event.
 */
import type { PacedDialMode, Profile } from '../domain/profile.ts';
import type { AgentStatus } from './agent-pool.ts';
import type { LiveCall } from './live-calls.ts';

/** A call in flight as a pacer sees it. */
export type PacingCall = Readonly<Pick<LiveCall, 'callId' | 'campaignId' | 'state' | 'startedAt' | 'answeredAt' | 'waitingSince'>>;

/** An online agent of the group as a pacer sees it. */
export type PacingAgent = Readonly<Pick<AgentStatus, 'agentCode' | 'paused' | 'activity' | 'since' | 'autoWrapUpSeconds'>>;

export interface GroupSnapshot {
  now: number;
  group: string;
  /** Agents online, not paused, idle. */
  available: number;
  loggedIn: number;
  talking: number;
  wrapUp: number;
  reserved: number;
  /** Legs placed that have no agent yet (dialing, ringing, answered and waiting); a leg being bridged to its agent, or placed for one agent, has one. */
  unconnected: number;
  /** Answered customers waiting for an agent. */
  waiting: number;
  /** The group's running campaigns this pass dials for. */
  campaignIds: readonly number[];
  /** The group's calls in flight, whatever their state. */
  calls: readonly PacingCall[];
  /** The group's online agents. */
  agents: readonly PacingAgent[];
}

export interface Pacer {
  callsToPlace(snapshot: GroupSnapshot, profile: Profile): number;
  /** When the group should be paced again even if nothing happens meanwhile (null: on events only). */
  recheckAt?(group: string, now: number): number | null;
}

export const progressivePacer: Pacer = {
  callsToPlace: (s) => Math.max(0, s.available - s.unconnected),
};

export const powerPacer: Pacer = {
  callsToPlace: (s, profile) => Math.max(0, Math.floor(s.available * profile.powerRatio) - s.unconnected),
};

/** `preview` is not paced: its legs are placed when an agent calls an offered contact. */
export type PacerRegistry = Record<PacedDialMode, Pacer>;

export const defaultPacers: PacerRegistry = {
  progressive: progressivePacer,
  power: powerPacer,
  predictive: progressivePacer,
};
