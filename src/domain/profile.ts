/**
 * Campaign profiles (decision 3.10): the CRM's `typeid` selects one; an absent or unknown
 * `typeid` uses the default profile.
 */

import type { DispositionSettings } from './wrap-up-codes.ts';

/** `preview`: the dialer offers a contact to an agent, who calls it or skips it (src/engine/preview-offers.ts). */
export type DialMode = 'progressive' | 'power' | 'predictive' | 'preview';
/** The modes in which the dialer places legs by itself, paced (src/engine/pacer.ts). */
export type PacedDialMode = Exclude<DialMode, 'preview'>;
export type CallPurpose = 'advertising' | 'care';

/** A daily calling window in local time, `HH:MM`–`HH:MM`; `to` < `from` spans midnight. */
export interface DailyHours {
  from: string;
  to: string;
}

export interface RetryRule {
  /** Attempts per contact in all, the first included. */
  maxAttempts: number;
  /** Minimum time between two attempts of one contact. */
  delaySeconds: number;
}

export interface Profile {
  name: string;
  typeIds: number[];
  dialMode: DialMode;
  /** Lines per available agent in `power` mode. */
  powerRatio: number;
  /** Target abandon rate of `predictive` mode, a fraction of answered calls. */
  abandonTarget: number;
  agentGroup: string;
  callerId: string | null;
  ringTimeoutSeconds: number;
  retry: RetryRule;
  callingHours: DailyHours[] | null;
  purpose: CallPurpose;
  ruleSet: string;
  requireBrandCallerId: boolean;
  /** Channel limit on the trunk this profile dials through (0 = no limit of its own). */
  maxChannels: number;
  /** Recordings of this profile's calls are deleted this many days after the call ended, unless held (0 = kept). */
  recordingRetentionDays?: number;
  /** `preview` mode: seconds after which an offered contact is dialled by itself (0 = only when the agent presses Call). */
  previewAutoDialSeconds: number;
  /** Wrap-up dispositions; absent: the defaults for the purpose (src/domain/wrap-up-codes.ts). */
  dispositions?: DispositionSettings;
  /** Outside numbers an agent may transfer this profile's calls to: those starting with one of these prefixes (absent or empty: none). */
  transferNumberPrefixes?: string[];
}

export function profileForType(profiles: readonly Profile[], typeId: number | null, fallback: Profile): Profile {
  if (typeId === null) return fallback;
  return profiles.find((p) => p.typeIds.includes(typeId)) ?? fallback;
}
