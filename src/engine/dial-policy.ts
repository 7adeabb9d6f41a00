/**
 * The checks between "this contact is due" and "place the leg": the campaign window, the
 * profile's calling hours, and whatever compliance rules apply (do-not-call lists, frequency
 * caps, legal calling hours). The engine asks the policy; the policy never dials.
 */
import { nextOpeningOfAll } from '../domain/calling-hours.ts';
import type { CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import type { Profile } from '../domain/profile.ts';

export type ContactDecision =
  | { kind: 'dial'; audit: Record<string, unknown> | null }
  | { kind: 'postpone'; until: number; reason: string }
  /** Never dial: report once with status DNC (decision 3.12). */
  | { kind: 'dnc'; reason: string };

export interface CampaignGate {
  /** null when the campaign may dial now; otherwise when to look again and why. */
  closedUntil: number | null;
  reason: string;
}

export interface DialPolicy {
  /** May this campaign place calls now at all (hours that apply to every contact)? */
  campaignGate(campaign: CampaignRecord, profile: Profile, now: number): CampaignGate | null;
  /**
   * Checked just before each dial (and before a preview offer). `alwaysCheckDnc`: consult the
   * do-not-call list whatever the rule set says (manual dial).
   */
  checkContact(contact: ContactRecord, campaign: CampaignRecord, profile: Profile, now: number, options?: { alwaysCheckDnc?: boolean }): Promise<ContactDecision>;
  /** Whether campaigns of this profile are screened at receipt at all (saves reading their contacts). */
  screensAtReceipt?(profile: Profile): boolean;
  /** Checked when a campaign is received: contacts that must never be dialled. */
  screenAtReceipt?(campaign: CampaignRecord, profile: Profile, contacts: readonly ContactRecord[], now: number): Promise<Map<number, string>>;
}

/** Profile calling hours only; no compliance rules. */
export function basicDialPolicy(timeZone: string): DialPolicy {
  return {
    campaignGate(campaign, profile, now) {
      const open = nextOpeningOfAll(now, [profile.callingHours], timeZone);
      if (open === now) return null;
      return { closedUntil: open === null || open >= campaign.endsAt ? null : open, reason: 'outside-profile-hours' };
    },
    async checkContact() {
      return { kind: 'dial', audit: null };
    },
  };
}
