/**
 * What operators and `/readyz` see of compliance: each profile's rule set and any problem
 * in its configuration, and the active campaigns that cannot dial because of one. Readiness
 * fails while a scheduled or running campaign is held back (it will never dial until the
 * configuration is fixed); a misconfigured profile without campaigns is reported, not failed.
 */
import { profileForType, type Profile } from '../domain/profile.ts';
import type { Store } from '../ports/store.ts';
import { profileProblem } from './campaign-checks.ts';
import type { RuleSetRegistry } from './rule-sets.ts';

export interface ComplianceStatusDeps {
  store: Store;
  profiles: { list: readonly Profile[]; fallback: Profile };
  ruleSets: RuleSetRegistry;
}

export interface ProfileCompliance {
  name: string;
  typeIds: number[];
  purpose: string;
  ruleSet: string;
  callerId: string | null;
  requireBrandCallerId: boolean;
  problem: string | null;
}

export interface BlockedCampaign {
  campaignId: number;
  state: string;
  profile: string;
  reason: string;
}

export interface ComplianceCheck {
  ok: boolean;
  reason?: string;
}

const ACTIVE_LIMIT = 10_000;

function allProfiles(deps: ComplianceStatusDeps): Profile[] {
  const list = [...deps.profiles.list];
  if (!list.some((p) => p.name === deps.profiles.fallback.name)) list.push(deps.profiles.fallback);
  return list;
}

export function profileCompliance(deps: ComplianceStatusDeps): ProfileCompliance[] {
  return allProfiles(deps).map((p) => ({
    name: p.name,
    typeIds: p.typeIds,
    purpose: p.purpose,
    ruleSet: p.ruleSet,
    callerId: p.callerId,
    requireBrandCallerId: p.requireBrandCallerId,
    problem: profileProblem(p, deps.ruleSets),
  }));
}

/** Scheduled or running campaigns whose profile's configuration stops them from dialling. */
export async function blockedCampaigns(deps: ComplianceStatusDeps): Promise<BlockedCampaign[]> {
  if (profileCompliance(deps).every((p) => p.problem === null)) return [];
  const active = await deps.store.listCampaigns({ states: ['scheduled', 'running'], limit: ACTIVE_LIMIT });
  const blocked: BlockedCampaign[] = [];
  for (const c of active) {
    const profile = profileForType(deps.profiles.list, c.typeId, deps.profiles.fallback);
    const problem = profileProblem(profile, deps.ruleSets);
    if (problem) blocked.push({ campaignId: c.id, state: c.state, profile: profile.name, reason: problem });
  }
  return blocked;
}

/** The `/readyz` check: `checks.compliance = await readinessCheck()`. */
export function complianceReadiness(deps: ComplianceStatusDeps): () => Promise<ComplianceCheck> {
  return async () => {
    const problems = profileCompliance(deps).filter((p) => p.problem !== null);
    if (problems.length === 0) return { ok: true };
    const blocked = await blockedCampaigns(deps);
    if (blocked.length > 0) {
      const shown = blocked.slice(0, 5).map((b) => `campaign ${b.campaignId}: ${b.reason}`);
      return { ok: false, reason: `${blocked.length} campaign(s) cannot dial: ${shown.join('; ')}${blocked.length > 5 ? '; …' : ''}` };
    }
    return { ok: true, reason: `no active campaign affected, but: ${problems.map((p) => p.problem).join('; ')}` };
  };
}
