/**
 * Campaign-wide compliance checks: problems with a profile's configuration that stop every
 * campaign of that profile from dialling (an unknown rule set; a brand-name caller id that
 * the profile or its rule set requires and that is not configured), and the calling windows
 * that apply to all of a campaign's contacts (profile hours and the rule set's legal hours).
 */
import type { CampaignRecord } from '../domain/campaign.ts';
import type { Profile } from '../domain/profile.ts';
import type { CampaignGate } from '../engine/dial-policy.ts';
import type { RuleSet, RuleSetRegistry } from './rule-sets.ts';
import { closedSetAt, describeHours, nextOpeningAcross, type ZonedHours } from './zoned-hours.ts';

/** Why no campaign of this profile may dial, or null when its configuration allows dialling. */
export function profileProblem(profile: Profile, ruleSets: RuleSetRegistry): string | null {
  const rules = ruleSets.get(profile.ruleSet);
  if (!rules) return `unknown-rule-set (profile ${profile.name}: rule set "${profile.ruleSet}" does not exist; known: ${[...ruleSets.keys()].join(', ')})`;
  if ((profile.requireBrandCallerId || rules.requireBrandCallerId) && !profile.callerId?.trim()) {
    const by = profile.requireBrandCallerId ? 'the profile' : `rule set ${rules.name}`;
    return `brand-caller-id-missing (profile ${profile.name}: ${by} requires a registered brand-name caller id and none is configured)`;
  }
  return null;
}

/** The windows a call of this profile must start in: the profile's hours, then the rule set's. */
export function windowsOf(profile: Profile, rules: RuleSet | undefined, timeZone: string): ZonedHours[] {
  const sets: ZonedHours[] = [{ label: 'profile', hours: profile.callingHours, timeZone }];
  if (rules?.hours) sets.push({ label: rules.name, hours: rules.hours, timeZone: rules.timeZone ?? timeZone });
  return sets;
}

export const hoursReason = (closed: ZonedHours) =>
  closed.label === 'profile' ? `outside-profile-hours (${describeHours(closed)})` : `outside-legal-hours (${closed.label}: ${describeHours(closed)})`;

/** May this campaign dial at `now`? null when it may; otherwise why not, and when to look again (null: no wake-up). */
export function campaignGateAt(campaign: Pick<CampaignRecord, 'endsAt'>, profile: Profile, now: number, ruleSets: RuleSetRegistry, timeZone: string): CampaignGate | null {
  const problem = profileProblem(profile, ruleSets);
  if (problem) return { closedUntil: null, reason: problem };
  const sets = windowsOf(profile, ruleSets.get(profile.ruleSet), timeZone);
  const closed = closedSetAt(now, sets);
  if (!closed) return null;
  const open = nextOpeningAcross(now, sets);
  return { closedUntil: open === null || open >= campaign.endsAt ? null : open, reason: hoursReason(closed) };
}
