/**
 * Supervisors' live control of running campaigns and of the floor: pause and resume a
 * campaign, override its pacing (dial mode, power ratio, abandon target) and move an agent to
 * another group. Each change is written with its audit row before it takes effect, and the
 * dialer is asked for a pass at once, so it applies on the next pass.
 *
 * A pause only stops new legs for the campaign (no preview offers, no callbacks dialled
 * either): calls in progress, ringing legs included, go on and end normally. The campaign stays
 * `running` for everyone else — its endtime timer still runs and, if it passes while paused,
 * the campaign stops and finishes `expired` exactly as if it had been dialling (the CRM only
 * ever hears of finishCampaign). The state is loaded back at start, so a pause survives a
 * restart. Without a control store (the in-memory store) the changes live in memory only.
 */
import { pacingOverrideError, type PacingOverride } from '../domain/campaign-control.ts';
import type { CampaignControl, CampaignControlStore, ControlAuditEntry, NewControlAudit } from '../ports/campaign-control-store.ts';
import type { EngineContext } from './engine-context.ts';

export type ControlResult<T = CampaignControl> =
  | { ok: true; changed: boolean; value: T }
  | { ok: false; error: 'unknown' | 'not-active' | 'invalid'; field?: string; message?: string };

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class CampaignControls {
  private controls = new Map<number, CampaignControl>();
  private memoryAudit: ControlAuditEntry[] = [];

  constructor(
    private ctx: EngineContext,
    private store: CampaignControlStore | undefined,
    private changed: () => void,
  ) {
    ctx.pacingOverride = (campaignId) => this.controls.get(campaignId);
    ctx.campaignPaused = (campaignId) => this.isPaused(campaignId);
    ctx.pacingOverrideAt = (campaignId) => {
      const c = this.controls.get(campaignId);
      return c && (c.dialMode !== null || c.powerRatio !== null || c.abandonTarget !== null) ? c.updatedAt : null;
    };
  }

  /** Start-up: the stored pauses, overrides and agents' groups (before any dial pass). */
  async load(): Promise<void> {
    if (!this.store) return;
    for (const c of await this.store.loadCampaignControls()) this.controls.set(c.campaignId, c);
    for (const { agentCode, group } of await this.store.loadAgentGroups()) this.moveInMemory(agentCode, group);
  }

  get(campaignId: number): CampaignControl | undefined {
    return this.controls.get(campaignId);
  }

  isPaused(campaignId: number): boolean {
    return this.controls.get(campaignId)?.paused === true;
  }

  override(campaignId: number): PacingOverride | undefined {
    return this.controls.get(campaignId);
  }

  pause(campaignId: number, actor: string): Promise<ControlResult> {
    return this.changeCampaign(campaignId, actor, 'pause', (c) => ({ ...c, paused: true }));
  }

  resume(campaignId: number, actor: string): Promise<ControlResult> {
    return this.changeCampaign(campaignId, actor, 'resume', (c) => ({ ...c, paused: false }));
  }

  /** Sets the given fields (null: back to the profile's value); fields left out keep their override. */
  setPacing(campaignId: number, input: Partial<Record<keyof PacingOverride, unknown>>, actor: string): Promise<ControlResult> {
    const error = pacingOverrideError(input);
    if (error) return Promise.resolve({ ok: false, error: 'invalid', field: error.field, message: error.message });
    return this.changeCampaign(campaignId, actor, 'pacing', (c) => ({
      ...c,
      ...(input.dialMode !== undefined ? { dialMode: input.dialMode as PacingOverride['dialMode'] } : {}),
      ...(input.powerRatio !== undefined ? { powerRatio: input.powerRatio as number | null } : {}),
      ...(input.abandonTarget !== undefined ? { abandonTarget: input.abandonTarget as number | null } : {}),
    }));
  }

  /**
   * Moves an agent (on the floor or configured) to a group some profile dials for or some agent
   * is in: a mistyped group would otherwise leave the agent waiting for calls that never come.
   * A call in progress stays with its group; the agent takes the new group's calls after it.
   */
  async moveAgent(agentCode: string, group: unknown, actor: string): Promise<ControlResult<{ agentCode: string; group: string }>> {
    const current = this.ctx.agents.get(agentCode)?.group ?? this.ctx.configuredGroup(agentCode);
    if (current === undefined) return { ok: false, error: 'unknown' };
    if (typeof group !== 'string' || !GROUP_NAME.test(group) || !this.knownGroups().includes(group)) {
      return { ok: false, error: 'invalid', field: 'group', message: `group must be one of ${this.knownGroups().join(', ')}.` };
    }
    if (group === current) return { ok: true, changed: false, value: { agentCode, group } };
    const at = this.ctx.deps.clock.now();
    const audit: NewControlAudit = { at, actor, targetKind: 'agent', targetId: agentCode, action: 'group', before: { group: current }, after: { group } };
    if (this.store) await this.store.saveAgentGroup(agentCode, group, at, audit);
    else this.remember(audit);
    this.moveInMemory(agentCode, group);
    this.ctx.log({ agentCode }).info({ from: current, to: group, actor }, 'agent moved to another group');
    this.ctx.events.emit('agent:group', { agentCode, group, at });
    this.changed();
    return { ok: true, changed: true, value: { agentCode, group } };
  }

  /** Groups an agent may be moved to: the profiles' and the agents'. */
  knownGroups(): string[] {
    const { profiles, settings } = this.ctx.deps;
    const all = [profiles.fallback.agentGroup, ...profiles.list.map((p) => p.agentGroup), ...settings.agents.map((a) => a.group), ...this.ctx.agents.groups()];
    return [...new Set(all)].sort();
  }

  async audit(filter: { targetKind?: 'campaign' | 'agent'; targetId?: string; limit?: number }): Promise<ControlAuditEntry[]> {
    if (this.store) return this.store.listAudit(filter);
    return this.memoryAudit
      .filter((a) => (!filter.targetKind || a.targetKind === filter.targetKind) && (filter.targetId === undefined || a.targetId === filter.targetId))
      .slice(-(filter.limit ?? 100))
      .reverse();
  }

  private async changeCampaign(campaignId: number, actor: string, action: string, change: (c: CampaignControl) => CampaignControl): Promise<ControlResult> {
    return this.ctx.queue.run(`campaign:${campaignId}`, async (): Promise<ControlResult> => {
      const campaign = this.ctx.campaigns.get(campaignId) ?? (await this.ctx.deps.store.getCampaign(campaignId));
      if (!campaign) return { ok: false, error: 'unknown' };
      // Only a campaign that may still dial can be controlled; a stopping one only ends its calls.
      if (campaign.state !== 'scheduled' && campaign.state !== 'running') return { ok: false, error: 'not-active' };
      const now = this.ctx.deps.clock.now();
      const before = this.controls.get(campaignId) ?? { campaignId, paused: false, dialMode: null, powerRatio: null, abandonTarget: null, updatedAt: now, updatedBy: actor };
      const after = { ...change(before), updatedAt: now, updatedBy: actor };
      const fields = (c: CampaignControl) => ({ paused: c.paused, dialMode: c.dialMode, powerRatio: c.powerRatio, abandonTarget: c.abandonTarget });
      if (JSON.stringify(fields(before)) === JSON.stringify(fields(after))) return { ok: true, changed: false, value: before };
      const audit: NewControlAudit = { at: now, actor, targetKind: 'campaign', targetId: String(campaignId), action, before: fields(before), after: fields(after) };
      if (this.store) await this.store.saveCampaignControl(after, audit);
      else this.remember(audit);
      this.controls.set(campaignId, after);
      this.ctx.log({ campaignId }).info({ action, before: fields(before), after: fields(after), actor }, 'campaign control changed');
      this.ctx.events.emit('campaign:control', { campaignId, action, at: now });
      this.changed();
      return { ok: true, changed: true, value: after };
    });
  }

  private moveInMemory(agentCode: string, group: string): void {
    this.ctx.moveAgentGroup(agentCode, group);
    this.ctx.agents.setGroup(agentCode, group);
  }

  private remember(audit: NewControlAudit): void {
    this.memoryAudit.push({ id: this.memoryAudit.length + 1, ...audit });
  }
}
