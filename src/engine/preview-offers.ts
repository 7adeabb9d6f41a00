/**
 * Preview dial (profile `dialMode: "preview"`). A dial pass reserves a ready agent and a due
 * contact that passed the compliance checks and offers the contact to that agent (its number
 * and CRM page, before any call). The agent then:
 *  - calls it: the campaign, its hours and the contact's compliance checks (do-not-call list,
 *    calling hours, frequency caps) are checked again, then one leg is placed for that agent
 *    only; the customer is bridged to no one else;
 *  - or skips it with a reason: the contact goes back to the queue, due again after the
 *    profile's retry delay (at least a minute), with no attempt spent and nothing reported to
 *    the CRM (the contract reports attempts only); the reason is kept as the contact's wait
 *    reason and logged.
 * With `previewAutoDialSeconds` an offer the agent has not answered in time is called by
 * itself; an unattended agent calls its offers after a short look (UNATTENDED_LOOK_MS). An
 * offer is withdrawn, the contact left due and the agent freed, when the agent pauses, signs
 * out or loses its phone, and when a supervisor pauses the campaign or it stops.
 */
import type { CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import type { ShiftInput, ShiftStep } from '../domain/agent-shift.ts';
import { subscriberKey } from '../domain/phone-number.ts';
import type { Profile } from '../domain/profile.ts';
import type { TimerHandle } from '../ports/clock.ts';
import { refused, refusalOfPostpone, type AgentDialResult } from './agent-dial-result.ts';
import type { Dialer } from './dialer.ts';
import type { EngineContext } from './engine-context.ts';

export interface PreviewOffer {
  agentCode: string;
  campaignId: number;
  contactId: number;
  /** The number as the CRM sent it. */
  phoneNumber: string;
  linkEdit: string | null;
  /** Attempts already made to this contact. */
  attempts: number;
  offeredAt: number;
  /** When the offer is called by itself (null: only when the agent presses Call). */
  autoDialAt: number | null;
}

/** Why an agent skips a contact (the desk offers these, with free text). */
export const SKIP_REASONS = ['not-now', 'wrong-data', 'already-handled', 'other'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * An unattended agent (the simulated floor's virtual agents, `CCS_AGENTS`) has no one to read
 * the preview: it calls the offer after this short look (or the profile's countdown if sooner).
 */
export const UNATTENDED_LOOK_MS = 2_000;

/** A skipped contact is due again after the retry delay, and never sooner than this. */
export const MIN_SKIP_DELAY_MS = 60_000;
const MAX_SKIP_NOTE = 200;

interface Held {
  offer: PreviewOffer;
  campaign: CampaignRecord;
  profile: Profile;
  timer: TimerHandle | null;
  subscriber: string;
  /** A Call is being checked and placed: no second Call, Skip or auto-dial meanwhile. */
  busy: boolean;
}

export interface PreviewHooks {
  dialer: Dialer;
  shift(agentCode: string, input: ShiftInput, at: number, callId?: string): ShiftStep | undefined;
}

export class PreviewOffers {
  private held = new Map<string, Held>();

  constructor(
    private ctx: EngineContext,
    private hooks: PreviewHooks,
  ) {
    // The agent paused (taken after the offer), signed out or lost its phone: withdraw.
    ctx.events.on('agent:state', ({ agentCode }) => {
      const h = this.held.get(agentCode);
      if (!h || h.busy) return;
      const agent = ctx.agents.get(agentCode);
      if (!agent || agent.shift.state !== 'reserved' || agent.shift.pauseAfterCall !== null) this.withdraw(agentCode, 'agent not available');
    });
    ctx.events.on('campaign:stopping', ({ campaignId }) => this.withdrawCampaign(campaignId, 'campaign stopped'));
    // A supervisor paused the campaign: its offers go back to the queue until it resumes.
    ctx.events.on('campaign:control', ({ campaignId, action }) => {
      if (action === 'pause') this.withdrawCampaign(campaignId, 'campaign paused');
    });
    // A preview leg the driver refused: its agent waits for nothing.
    ctx.events.on('call:not-placed', ({ callId }) => {
      for (const agent of ctx.agents.all()) {
        if (agent.callId === callId && agent.shift.state === 'reserved') hooks.shift(agent.agentCode, { type: 'bridge-failed' }, ctx.deps.clock.now());
      }
    });
  }

  private withdrawCampaign(campaignId: number, why: string): void {
    for (const [agentCode, h] of this.held) if (h.offer.campaignId === campaignId && !h.busy) this.withdraw(agentCode, why);
  }

  has(agentCode: string): boolean {
    return this.held.has(agentCode);
  }

  get(agentCode: string): PreviewOffer | undefined {
    return this.held.get(agentCode)?.offer;
  }

  countCampaign(campaignId: number): number {
    let n = 0;
    for (const h of this.held.values()) if (h.offer.campaignId === campaignId) n++;
    return n;
  }

  isOffered(campaignId: number, contactId: number): boolean {
    for (const h of this.held.values()) if (h.offer.campaignId === campaignId && h.offer.contactId === contactId) return true;
    return false;
  }

  /** Whether a number is offered to someone (not dialled elsewhere meanwhile). */
  isOfferedNumber(subscriber: string): boolean {
    for (const h of this.held.values()) if (h.subscriber === subscriber) return true;
    return false;
  }

  /** Reserves the agent and shows it the contact. */
  offer(agentCode: string, campaign: CampaignRecord, profile: Profile, contact: ContactRecord, now: number): void {
    if (!this.hooks.shift(agentCode, { type: 'reserve' }, now)?.ok) return;
    let autoDialAt = profile.previewAutoDialSeconds > 0 ? now + profile.previewAutoDialSeconds * 1000 : null;
    if (this.ctx.agents.get(agentCode)?.autoWrapUpSeconds != null) autoDialAt = Math.min(autoDialAt ?? Infinity, now + UNATTENDED_LOOK_MS);
    const offer: PreviewOffer = {
      agentCode,
      campaignId: contact.campaignId,
      contactId: contact.contactId,
      phoneNumber: contact.phoneNumber,
      linkEdit: contact.linkEdit,
      attempts: contact.attempts,
      offeredAt: now,
      autoDialAt,
    };
    const held: Held = { offer, campaign, profile, timer: null, subscriber: subscriberKey(contact.dialNumber), busy: false };
    if (autoDialAt !== null) held.timer = this.ctx.deps.clock.setTimer(autoDialAt - now, () => void this.call(agentCode, 'countdown'));
    this.held.set(agentCode, held);
    this.ctx.log({ campaignId: offer.campaignId, contactId: offer.contactId, agentCode }).info({ autoDialAt }, 'contact offered for preview');
    this.ctx.events.emit('preview:offered', { agentCode, campaignId: offer.campaignId, contactId: offer.contactId, at: now });
  }

  /** Calls the offered contact after checking it again; the leg goes to this agent only. */
  async call(agentCode: string, by: 'agent' | 'countdown' = 'agent'): Promise<AgentDialResult> {
    const h = this.held.get(agentCode);
    if (!h || h.busy) return refused('no-offer', 'no contact is offered to this agent');
    h.busy = true;
    h.timer?.cancel();
    const { offer, campaign, profile } = h;
    const { clock, policy, store } = this.ctx.deps;
    const stop = (result: AgentDialResult, why: string) => {
      this.withdraw(agentCode, why);
      return result;
    };
    try {
      let now = clock.now();
      if (campaign.state !== 'running' || now >= campaign.endsAt) return stop(refused('campaign-stopped', 'the campaign is no longer running'), 'campaign stopped');
      if (this.ctx.campaignPaused(offer.campaignId)) return stop(refused('campaign-paused', 'a supervisor paused the campaign'), 'campaign paused');
      const gate = policy.campaignGate(campaign, profile, now);
      if (gate) return stop(refused('hours', gate.reason), gate.reason);
      const contact = await store.getContact(offer.campaignId, offer.contactId);
      if (!contact || contact.state !== 'pending') return stop(refused('contact-gone', 'the contact is no longer waiting for a call'), 'contact gone');
      if (this.ctx.live.isCalling(subscriberKey(contact.dialNumber))) {
        h.busy = false;
        return refused('busy-number', 'this number is on another call now');
      }
      now = clock.now();
      const decision = await policy.checkContact(contact, campaign, profile, now);
      if (decision.kind !== 'dial') {
        await this.hooks.dialer.applyDecision(contact, decision, now);
        return stop(refused(decision.kind === 'dnc' ? 'dnc' : refusalOfPostpone(decision.reason), decision.reason), decision.reason);
      }
      const agent = this.ctx.agents.get(agentCode);
      if (this.held.get(agentCode) !== h || campaign.state !== 'running' || agent?.shift.state !== 'reserved' || this.ctx.live.isCalling(subscriberKey(contact.dialNumber))) {
        return stop(refused('not-ready', 'the offer changed while it was checked'), 'changed while checked');
      }
      this.held.delete(agentCode);
      this.ctx.events.emit('preview:ended', { agentCode, campaignId: offer.campaignId, contactId: offer.contactId, outcome: 'called', reason: by, at: now });
      try {
        const callId = await this.hooks.dialer.placeReserved({ profile, contact, audit: decision.audit, agentCode });
        return { ok: true, callId };
      } catch (error) {
        this.hooks.shift(agentCode, { type: 'bridge-failed' }, clock.now());
        this.hooks.dialer.schedule(1000);
        return refused('store', String((error as Error)?.message ?? error));
      }
    } catch (error) {
      if (this.held.get(agentCode) === h) this.withdraw(agentCode, 'check failed');
      return refused('store', String((error as Error)?.message ?? error));
    }
  }

  /** The agent passes on the contact: due again after the retry delay, no attempt spent, nothing reported. */
  async skip(agentCode: string, reason: unknown, note: unknown): Promise<AgentDialResult> {
    const h = this.held.get(agentCode);
    if (!h || h.busy) return refused('no-offer', 'no contact is offered to this agent');
    if (typeof reason !== 'string' || !(SKIP_REASONS as readonly string[]).includes(reason)) return refused('invalid', `reason must be one of ${SKIP_REASONS.join(', ')}`);
    const text = typeof note === 'string' ? note.trim().slice(0, MAX_SKIP_NOTE) : '';
    const { offer, profile } = h;
    const now = this.ctx.deps.clock.now();
    const until = now + Math.max(MIN_SKIP_DELAY_MS, profile.retry.delaySeconds * 1000);
    const why = `skipped by ${agentCode}: ${reason}${text ? ` (${text})` : ''}`;
    h.busy = true;
    try {
      await this.ctx.deps.store.postponeContact(offer.campaignId, offer.contactId, until, why);
    } catch (error) {
      h.busy = false;
      return refused('store', String((error as Error)?.message ?? error));
    }
    this.release(agentCode, h, 'skipped', why);
    this.ctx.events.emit('contact:skipped', { campaignId: offer.campaignId, contactId: offer.contactId, reason: why, at: now });
    return { ok: true, callId: null };
  }

  /** Takes the offer back: the contact stays due, the agent is free (or takes its pause). */
  withdraw(agentCode: string, why: string): void {
    const h = this.held.get(agentCode);
    if (h) this.release(agentCode, h, 'withdrawn', why);
  }

  stop(): void {
    for (const h of this.held.values()) h.timer?.cancel();
    this.held.clear();
  }

  private release(agentCode: string, h: Held, outcome: 'skipped' | 'withdrawn', why: string): void {
    if (this.held.get(agentCode) !== h) return;
    h.timer?.cancel();
    this.held.delete(agentCode);
    const now = this.ctx.deps.clock.now();
    this.ctx.log({ campaignId: h.offer.campaignId, contactId: h.offer.contactId, agentCode }).info({ reason: why }, `preview ${outcome}`);
    this.ctx.events.emit('preview:ended', { agentCode, campaignId: h.offer.campaignId, contactId: h.offer.contactId, outcome, reason: why, at: now });
    const agent = this.ctx.agents.get(agentCode);
    if (agent?.shift.state === 'reserved' && agent.callId === null) this.hooks.shift(agentCode, { type: 'bridge-failed' }, now);
    // An offer withdrawn from an agent still ready to work (e.g. a closed campaign) makes room for another.
    this.hooks.dialer.schedule();
  }
}
