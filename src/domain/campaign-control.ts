/**
 * A supervisor's pacing override for one running campaign, on top of its profile: dial mode,
 * power ratio, abandon target. The ranges are the profile settings' own (src/config/profiles.ts),
 * so an override can never make a campaign dial in a way a profile could not.
 */
import type { DialMode, Profile } from './profile.ts';

export type PacedOrPreview = DialMode;
export const DIAL_MODES: readonly DialMode[] = ['progressive', 'power', 'predictive', 'preview'];
export const POWER_RATIO_RANGE = { min: 1, max: 10 } as const;
export const ABANDON_TARGET_RANGE = { min: 0, max: 0.5 } as const;

export interface PacingOverride {
  dialMode: DialMode | null;
  powerRatio: number | null;
  abandonTarget: number | null;
}

/** The field in error, or null when every given field is in range. */
export function pacingOverrideError(input: Partial<Record<keyof PacingOverride, unknown>>): { field: keyof PacingOverride; message: string } | null {
  if (input.dialMode !== undefined && input.dialMode !== null && !DIAL_MODES.includes(input.dialMode as DialMode)) {
    return { field: 'dialMode', message: `dialMode must be one of ${DIAL_MODES.join(', ')}.` };
  }
  const inRange = (v: unknown, r: { min: number; max: number }) => typeof v === 'number' && Number.isFinite(v) && v >= r.min && v <= r.max;
  if (input.powerRatio !== undefined && input.powerRatio !== null && !inRange(input.powerRatio, POWER_RATIO_RANGE)) {
    return { field: 'powerRatio', message: `powerRatio must be a number from ${POWER_RATIO_RANGE.min} to ${POWER_RATIO_RANGE.max}.` };
  }
  if (input.abandonTarget !== undefined && input.abandonTarget !== null && !inRange(input.abandonTarget, ABANDON_TARGET_RANGE)) {
    return { field: 'abandonTarget', message: `abandonTarget must be a number from ${ABANDON_TARGET_RANGE.min} to ${ABANDON_TARGET_RANGE.max} (a fraction of answered calls).` };
  }
  return null;
}

/** The profile a campaign dials with: its own, with the override's non-null fields on top. */
export function withOverride(profile: Profile, override: PacingOverride | undefined): Profile {
  if (!override) return profile;
  const { dialMode, powerRatio, abandonTarget } = override;
  if (dialMode === null && powerRatio === null && abandonTarget === null) return profile;
  return {
    ...profile,
    ...(dialMode !== null ? { dialMode } : {}),
    ...(powerRatio !== null ? { powerRatio } : {}),
    ...(abandonTarget !== null ? { abandonTarget } : {}),
  };
}
