/**
 * Pacing: how many new customer legs a group of agents should have placed right now.
 *
 * - progressive: one leg per available agent, counting legs already placed and not yet
 *   connected (a leg that will answer needs an agent).
 * - power: a fixed number of legs per available agent.
 * - predictive: adaptive, from live statistics (see `predictive-pacer.ts` when present); until
 *   it has enough data it falls back to progressive.
 */
import type { DialMode, Profile } from '../domain/profile.ts';

export interface GroupSnapshot {
  now: number;
  group: string;
  /** Agents online, not paused, idle. */
  available: number;
  loggedIn: number;
  talking: number;
  wrapUp: number;
  reserved: number;
  /** Legs placed and not yet connected to an agent (dialing, ringing, answered and waiting). */
  unconnected: number;
  /** Answered customers waiting for an agent. */
  waiting: number;
}

export interface Pacer {
  callsToPlace(snapshot: GroupSnapshot, profile: Profile): number;
}

export const progressivePacer: Pacer = {
  callsToPlace: (s) => Math.max(0, s.available - s.unconnected),
};

export const powerPacer: Pacer = {
  callsToPlace: (s, profile) => Math.max(0, Math.floor(s.available * profile.powerRatio) - s.unconnected),
};

export type PacerRegistry = Record<DialMode, Pacer>;

export const defaultPacers: PacerRegistry = {
  progressive: progressivePacer,
  power: powerPacer,
  predictive: progressivePacer,
};
