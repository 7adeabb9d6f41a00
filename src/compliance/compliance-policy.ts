/**
 * The DialPolicy that enforces a profile's compliance rule set (src/compliance/rule-sets.ts).
 *
 * Campaign gate, checked on every dial pass: a profile whose configuration forbids dialling
 * (unknown rule set, brand-name caller id required and missing) holds its campaigns back
 * without a wake-up; outside the combined calling windows (profile hours in the CCS zone,
 * legal hours in the rule set's zone; the most restrictive wins) the campaign waits until
 * they next open together. Each change of a campaign's gate is logged once.
 *
 * Contact check, just before each dial: the do-not-call list (listed → `dnc`: never dialled,
 * reported once), then frequency caps over every campaign's attempts to the subscriber
 * (reached → `postpone` until the cap allows and the windows are open). A contact allowed
 * through carries an audit record — rule set, checks passed, DNC check time, recent attempt
 * counts and why it was allowed — stored with its attempt.
 */
import type { CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import { subscriberKey } from '../domain/phone-number.ts';
import type { Profile } from '../domain/profile.ts';
import type { CampaignGate, ContactDecision, DialPolicy } from '../engine/dial-policy.ts';
import type { AttemptHistory } from '../ports/attempt-history.ts';
import type { DncStore } from '../ports/dnc-store.ts';
import type { Logger } from '../ports/logger.ts';
import { campaignGateAt, hoursReason, profileProblem, windowsOf } from './campaign-checks.ts';
import { describeCap, evaluateCaps, longestWindow } from './frequency-cap.ts';
import { defaultRuleSets, HOUR_MS, type RuleSetRegistry } from './rule-sets.ts';
import { closedSetAt, describeHours, nextOpeningAcross } from './zoned-hours.ts';

export interface ComplianceDeps {
  dnc: DncStore;
  history: AttemptHistory;
  /** The CCS's zone: profile hours are read in it. */
  timeZone: string;
  logger: Logger;
  ruleSets?: RuleSetRegistry;
}

export interface ComplianceDialPolicy extends DialPolicy {
  readonly ruleSets: RuleSetRegistry;
  screenAtReceipt(campaign: CampaignRecord, profile: Profile, contacts: readonly ContactRecord[], now: number): Promise<Map<number, string>>;
}

/** What an attempt's `audit` holds under this policy (JSON in the attempts table). */
export interface ComplianceAudit {
  ruleSet: string;
  purpose: string;
  checks: string[];
  /** When the do-not-call list was consulted for this attempt (epoch ms); null when the rule set does not consult it. */
  dncCheckedAt: number | null;
  callerId: string | null;
  /** Attempts to the subscriber, all campaigns, within each cap's window before this one. */
  recentAttempts: Record<string, number>;
  allowedBecause: string;
}

export function complianceDialPolicy(deps: ComplianceDeps): ComplianceDialPolicy {
  const ruleSets = deps.ruleSets ?? defaultRuleSets;
  const { dnc, history, timeZone } = deps;
  const logger = deps.logger.child({ component: 'compliance' });
  /** The last gate reason logged per campaign (so each change is logged once). */
  const gateLogged = new Map<number, string>();

  function noteGate(campaignId: number, reason: string | null, blocking: boolean): void {
    if ((gateLogged.get(campaignId) ?? null) === reason) return;
    if (reason === null) {
      gateLogged.delete(campaignId);
      logger.info({ campaignId }, 'campaign may dial: compliance windows open');
      return;
    }
    if (gateLogged.size > 10_000) gateLogged.clear();
    gateLogged.set(campaignId, reason);
    if (blocking) logger.error({ campaignId, reason }, 'campaign cannot dial: compliance configuration');
    else logger.info({ campaignId, reason }, 'campaign waits: outside calling hours');
  }

  return {
    ruleSets,

    campaignGate(campaign, profile, now): CampaignGate | null {
      const gate = campaignGateAt(campaign, profile, now, ruleSets, timeZone);
      noteGate(campaign.id, gate?.reason ?? null, gate !== null && gate.closedUntil === null && profileProblem(profile, ruleSets) !== null);
      return gate;
    },

    async checkContact(contact, campaign, profile, now, options = {}): Promise<ContactDecision> {
      const rules = ruleSets.get(profile.ruleSet);
      const problem = profileProblem(profile, ruleSets);
      // The gate already holds such campaigns back; never dial past it.
      if (!rules || problem) return { kind: 'postpone', until: now + HOUR_MS, reason: problem ?? 'unknown-rule-set' };

      const checks: string[] = [];
      const because: string[] = [];
      const callerIdRequired = rules.requireBrandCallerId || profile.requireBrandCallerId;
      if (callerIdRequired) {
        checks.push('brand-caller-id');
        because.push(`brand-name caller id ${profile.callerId} configured`);
      }

      const sets = windowsOf(profile, rules, timeZone);
      const closed = closedSetAt(now, sets);
      if (closed) return { kind: 'postpone', until: nextOpeningAcross(now, sets) ?? campaign.endsAt, reason: hoursReason(closed) };
      const limited = sets.filter((s) => s.hours && s.hours.length > 0);
      if (limited.length > 0) {
        checks.push('hours');
        because.push(`inside ${limited.map((s) => `${s.label} hours ${describeHours(s)}`).join(' and ')}`);
      }

      let dncCheckedAt: number | null = null;
      if (rules.checkDnc || options.alwaysCheckDnc) {
        const entry = await dnc.get(contact.dialNumber);
        dncCheckedAt = now;
        if (entry) return { kind: 'dnc', reason: `dnc (source: ${entry.source})` };
        checks.push('dnc');
        because.push('not on the do-not-call list');
      }

      const recentAttempts: Record<string, number> = {};
      if (rules.caps.length > 0) {
        const times = await history.attemptTimes(subscriberKey(contact.dialNumber), now - longestWindow(rules.caps));
        const verdict = evaluateCaps(times, now, rules.caps);
        if (verdict.blockedUntil !== null && verdict.blockedBy) {
          const cap = verdict.blockedBy;
          const until = nextOpeningAcross(verdict.blockedUntil, sets) ?? verdict.blockedUntil;
          return { kind: 'postpone', until, reason: `frequency-cap-${cap.label} (${rules.name}: ${describeCap(cap)} to one number, all campaigns)` };
        }
        for (const cap of rules.caps) {
          checks.push(`frequency-cap-${cap.label}`);
          recentAttempts[cap.label] = verdict.counts[cap.label] ?? 0;
          because.push(`${recentAttempts[cap.label]} earlier call(s) in the last ${cap.label}, ${cap.max} allowed`);
        }
      }

      const audit: ComplianceAudit = {
        ruleSet: rules.name,
        purpose: profile.purpose,
        checks,
        dncCheckedAt,
        callerId: profile.callerId,
        recentAttempts,
        allowedBecause: because.length > 0 ? because.join('; ') : `no compliance rules apply (rule set ${rules.name})`,
      };
      return { kind: 'dial', audit: audit as unknown as Record<string, unknown> };
    },

    screensAtReceipt(profile) {
      // An unknown rule set is screened too: when in doubt, the list applies.
      return ruleSets.get(profile.ruleSet)?.checkDnc ?? true;
    },

    async screenAtReceipt(_campaign, profile, contacts) {
      const rules = ruleSets.get(profile.ruleSet);
      const screened = new Map<number, string>();
      // An unknown rule set is screened too: when in doubt, the list applies.
      if (rules && !rules.checkDnc) return screened;
      const listed = await dnc.listed(contacts.map((c) => c.dialNumber));
      for (const c of contacts) if (listed.has(c.dialNumber)) screened.set(c.contactId, 'dnc');
      return screened;
    },
  };
}
