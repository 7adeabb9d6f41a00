/**
 * Wrap-up dispositions and scheduled callbacks, engine side.
 *
 * A desk agent's connected call awaits a disposition from its end until the agent leaves
 * wrap-up (or the wrap-up limit): meanwhile its campaign does not finish `completed`, so a
 * `retry` or `callback` code can still reopen the campaign's last contact. Its updateCampaign
 * is written when the call ends, as always; with the CRM extra fields on, that row is held
 * until the disposition (or the wrap-up limit) and then carries `disposition` and `note`.
 *
 * A callback's time is checked before it is saved: the earliest moment at or after the time
 * asked for when the call can really happen (campaign window, profile and legal calling
 * hours, frequency caps, the do-not-call list), or none before the campaign ends.
 */
import { nextOpeningOfAll } from '../domain/calling-hours.ts';
import type { CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import type { Profile } from '../domain/profile.ts';
import { contactChangeOf, dispositionsOf, findCode, type DispositionSettings } from '../domain/wrap-up-codes.ts';
import type { CallbackStore } from '../ports/callback-store.ts';
import type { EngineContext } from './engine-context.ts';

export interface Awaiting {
  campaignId: number;
  agentCode: string;
  /** The wrap-up limit: after it the disposition no longer holds anything. */
  until: number;
}

export type DispositionError = 'unavailable' | 'unknown-call' | 'invalid-code' | 'already' | 'campaign-closed' | 'callback-time';

export type DispositionAnswer =
  | { ok: true; reopened: boolean; callbackAt: number | null }
  | { ok: false; error: DispositionError; reason: string; earliest?: number | null };

export interface Feasibility {
  /** Earliest time the call can happen at or after the time asked for; null: none before the campaign ends. */
  at: number | null;
  /** Why the time asked for moved (or why none), null when it stands. */
  reason: string | null;
}

export interface DispositionInput {
  agentCode: string;
  callId: string;
  code: unknown;
  /** For a `callback` code: when, and for whom (null: anyone). */
  callback?: { at: unknown; forAgent: unknown; note?: unknown } | null;
}

const CHECK_ROUNDS = 20;
const MAX_CALLBACK_NOTE = 500;

export class WrapUpDispositions {
  private awaiting = new Map<string, Awaiting>();
  /** Codes supervisors set per profile (by name), over the configuration's. */
  private overrides = new Map<string, DispositionSettings>();

  constructor(
    private ctx: EngineContext,
    private store: CallbackStore | undefined,
    private hooks: { maybeFinish(campaignId: number): void; schedule(): void; codeRecorded?(agentCode: string, callId: string): void; endWritten?(callId: string): Promise<void> | undefined; handledBy?(callId: string): string | null },
  ) {
    // Leaving wrap-up (ready, the limit, sign-out) ends the wait for a disposition.
    ctx.events.on('agent:state', ({ agentCode }) => {
      const agent = ctx.agents.get(agentCode);
      if (agent && (agent.activity === 'wrap-up' || agent.activity === 'talking')) return;
      for (const [callId, a] of this.awaiting) if (a.agentCode === agentCode) this.release(callId);
    });
  }

  get available(): boolean {
    return this.store !== undefined;
  }

  /**
   * Called as a connected call ends: a desk agent (no automatic wrap-up) will give it a
   * disposition. Returns the wrap-up limit and whether the campaign's profile requires a code
   * (the agent's shift then refuses ready and pause until it is recorded).
   */
  callEnding(callId: string, campaignId: number, agentCode: string, endedAt: number): { until: number; required: boolean } | null {
    const agent = this.ctx.agents.get(agentCode);
    if (!this.store || !agent || agent.autoWrapUpSeconds !== null) return null;
    const until = endedAt + this.ctx.deps.settings.maxWrapUpSeconds * 1000;
    this.awaiting.set(callId, { campaignId, agentCode, until });
    const campaign = this.ctx.campaigns.get(campaignId);
    const required = campaign ? this.settingsOf(this.ctx.profileOf(campaign)).required : false;
    return { until, required };
  }

  /** A profile's codes: the supervisor's settings stored for it, else the configuration's. */
  settingsOf(profile: Profile): DispositionSettings {
    return this.overrides.get(profile.name) ?? dispositionsOf(profile);
  }

  /** A supervisor's codes for a profile (null: back to the configuration's); new wrap-ups use them at once. */
  setOverride(profileName: string, settings: DispositionSettings | null): void {
    if (settings) this.overrides.set(profileName, settings);
    else this.overrides.delete(profileName);
  }

  /** Whether a call of this campaign still awaits its disposition (its finish waits). */
  holdsFinish(campaignId: number): boolean {
    const now = this.ctx.deps.clock.now();
    for (const a of this.awaiting.values()) if (a.campaignId === campaignId && a.until > now) return true;
    return false;
  }

  private release(callId: string): void {
    const a = this.awaiting.get(callId);
    if (!a) return;
    this.awaiting.delete(callId);
    this.hooks.maybeFinish(a.campaignId);
  }

  async campaignOf(campaignId: number): Promise<CampaignRecord | undefined> {
    return this.ctx.campaigns.get(campaignId) ?? (await this.ctx.deps.store.getCampaign(campaignId));
  }

  /** The codes an agent picks from for a campaign's calls. */
  async codesFor(campaignId: number): Promise<DispositionSettings> {
    const campaign = await this.campaignOf(campaignId);
    return this.settingsOf(this.ctx.profileOf({ typeId: campaign?.typeId ?? null }));
  }

  /** When a callback asked for `wanted` can really be made. */
  async earliestCallback(campaignId: number, contactId: number, wanted: number): Promise<Feasibility> {
    const campaign = await this.campaignOf(campaignId);
    const contact = await this.ctx.deps.store.getContact(campaignId, contactId);
    if (!campaign || !contact) return { at: null, reason: 'unknown-contact' };
    return this.feasible(campaign, this.ctx.profileOf(campaign), contact, wanted);
  }

  private async feasible(campaign: CampaignRecord, profile: Profile, contact: ContactRecord, wanted: number): Promise<Feasibility> {
    const { clock, policy, settings } = this.ctx.deps;
    if (campaign.state !== 'running' && campaign.state !== 'scheduled') return { at: null, reason: 'campaign-closed' };
    let t = Math.max(wanted, clock.now(), campaign.startsAt);
    let reason: string | null = t > wanted ? 'campaign-window' : null;
    for (let round = 0; round < CHECK_ROUNDS; round++) {
      if (t >= campaign.endsAt) return { at: null, reason: 'after-campaign-end' };
      const open = nextOpeningOfAll(t, [profile.callingHours], settings.timeZone);
      if (open === null) return { at: null, reason: 'outside-profile-hours' };
      if (open > t) {
        t = open;
        reason = 'outside-profile-hours';
        continue;
      }
      const decision = await policy.checkContact(contact, campaign, profile, t);
      if (decision.kind === 'dial') return { at: t, reason };
      if (decision.kind === 'dnc') return { at: null, reason: decision.reason };
      if (decision.until <= t) return { at: null, reason: decision.reason };
      t = decision.until;
      reason = decision.reason;
    }
    return { at: null, reason: reason ?? 'no-time-found' };
  }

  async record(input: DispositionInput): Promise<DispositionAnswer> {
    const store = this.store;
    if (!store) return { ok: false, error: 'unavailable', reason: 'dispositions are not available on this service' };
    // A call whose recording is still being stored is written once it is (bounded): wait for it.
    await this.hooks.endWritten?.(input.callId);
    const attempt = await this.ctx.deps.store.getAttempt(input.callId);
    const ownCall = attempt?.agentCode === input.agentCode || this.hooks.handledBy?.(input.callId) === input.agentCode;
    if (!attempt || attempt.state !== 'ended' || !ownCall || attempt.connectedAt === null) {
      return { ok: false, error: 'unknown-call', reason: 'not a call this agent talked on' };
    }
    const campaign = await this.campaignOf(attempt.campaignId);
    const contact = await this.ctx.deps.store.getContact(attempt.campaignId, attempt.contactId);
    if (!campaign || !contact) return { ok: false, error: 'unknown-call', reason: 'campaign or contact unknown' };
    const profile = this.ctx.profileOf(campaign);
    const code = findCode(this.settingsOf(profile), input.code);
    if (!code) return { ok: false, error: 'invalid-code', reason: 'not a disposition code of this campaign' };
    const { clock, settings } = this.ctx.deps;
    const now = clock.now();

    let callback: { dueAt: number; agentCode: string | null; personalUntil: number | null; note: string | null } | null = null;
    if (code.effect === 'callback') {
      const wanted = typeof input.callback?.at === 'number' && Number.isFinite(input.callback.at) ? input.callback.at : NaN;
      const forAgent = input.callback?.forAgent;
      if (Number.isNaN(wanted) || (forAgent !== null && forAgent !== undefined && typeof forAgent !== 'string')) {
        return { ok: false, error: 'callback-time', reason: 'a callback needs a time (and "forAgent": an agent code or null)', earliest: null };
      }
      const fit = await this.feasible(campaign, profile, contact, wanted);
      if (fit.at === null) return { ok: false, error: 'callback-time', reason: fit.reason ?? 'no time left in the campaign', earliest: null };
      const personal = typeof forAgent === 'string' && forAgent.trim() ? forAgent.trim() : null;
      const note = typeof input.callback?.note === 'string' ? input.callback.note.trim().slice(0, MAX_CALLBACK_NOTE) || null : null;
      const grace = (settings.callbackGraceSeconds ?? 300) * 1000;
      callback = { dueAt: fit.at, agentCode: personal, personalUntil: personal ? fit.at + grace : null, note };
    }
    const change = contactChangeOf(code.effect, {
      attemptsMade: contact.attempts,
      endedAt: attempt.endedAt ?? now,
      retry: profile.retry,
      callbackAt: callback?.dueAt ?? null,
      endsAt: campaign.endsAt,
    });
    const held = this.awaiting.get(input.callId);
    const result = await this.ctx.writes.run(
      'disposition',
      () =>
        store.recordDisposition({
          callId: input.callId,
          code: code.code,
          by: input.agentCode,
          at: now,
          reopen: change.kind === 'pending' ? { at: change.at, reason: change.reason } : null,
          callback,
          dnc: code.effect === 'dnc' ? { number: contact.dialNumber, source: `disposition by ${input.agentCode}, campaign ${campaign.id}` } : null,
          crmExtra: settings.crmExtraFields && held ? { heldUntil: held.until } : null,
        }),
      { callId: input.callId },
    );
    if (result.outcome === 'unknown') return { ok: false, error: 'unknown-call', reason: 'not an ended call' };
    if (result.outcome === 'already') return { ok: false, error: 'already', reason: 'this call has a disposition already' };
    if (result.outcome === 'campaign-closed') return { ok: false, error: 'campaign-closed', reason: 'the campaign no longer dials: no callback can happen' };
    this.ctx.log({ callId: input.callId, campaignId: campaign.id, contactId: contact.contactId }).info(
      { disposition: code.code, effect: code.effect, reopened: result.reopened, callbackAt: callback?.dueAt ?? null },
      'disposition recorded',
    );
    if (result.updateReleased) this.ctx.deps.onCallbackQueued();
    if (result.reopened) this.hooks.schedule();
    this.hooks.codeRecorded?.(input.agentCode, input.callId);
    this.release(input.callId);
    return { ok: true, reopened: result.reopened, callbackAt: result.reopened ? (callback?.dueAt ?? null) : null };
  }
}
