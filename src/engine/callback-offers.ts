/**
 * Scheduled callbacks in the dial pass. A callback's contact is pending, due at the callback's
 * time, so the dialer reaches it like any due contact; what this adds:
 *  - a personal callback is kept for its agent until `personalUntil` (the grace): the dialer
 *    dials it for no one else, and offers it to that agent as a preview (the agent sees the
 *    contact and presses Call) whenever the agent is ready; after the grace anyone gets it;
 *  - a due callback whose contact is dialled (by anyone, in any way) is marked dialled.
 */
import type { CampaignRecord } from '../domain/campaign.ts';
import { subscriberKey } from '../domain/phone-number.ts';
import type { Profile } from '../domain/profile.ts';
import type { CallbackStore, ScheduledCallback } from '../ports/callback-store.ts';
import type { Dialer } from './dialer.ts';
import type { EngineContext } from './engine-context.ts';
import type { PreviewOffers } from './preview-offers.ts';

const key = (campaignId: number, contactId: number) => `${campaignId}/${contactId}`;

/**
 * How long a campaign's "no callback due before …" is trusted before it is read again. A large
 * floor serves each group many times a second, and almost never has a callback due; a callback
 * scheduled meanwhile (through this node or another) is seen at most this late.
 */
export const CALLBACK_RECHECK_MS = 5_000;

export class CallbackOffers {
  /** Due callbacks seen by the last pass, by contact. */
  private due = new Map<string, ScheduledCallback>();
  /** Contacts kept for their agent right now. */
  private kept = new Set<string>();
  /** Per campaign: its earliest scheduled callback (null: none) as read at `readAt`. */
  private nextDue = new Map<number, { at: number | null; readAt: number }>();

  constructor(
    private ctx: EngineContext,
    private store: CallbackStore,
  ) {
    ctx.events.on('call:placed', ({ callId, campaignId, contactId, at }) => {
      const cb = this.due.get(key(campaignId, contactId));
      if (!cb) return;
      this.due.delete(key(campaignId, contactId));
      this.kept.delete(key(campaignId, contactId));
      this.store.markCallbackDialled(cb.callId, callId, at).catch((error) => this.ctx.log({ callId }).warn({ err: String(error) }, 'callback not marked dialled'));
    });
  }

  /** Whether the dialer must leave this contact to its callback's agent. */
  isKept(campaignId: number, contactId: number): boolean {
    return this.kept.has(key(campaignId, contactId));
  }

  /**
   * Reads the campaigns' due callbacks and offers each personal one to its agent when that
   * agent is ready. Returns when to look again (the end of the earliest grace), or Infinity.
   */
  async pass(slots: { campaign: CampaignRecord; profile: Profile }[], now: number, dialer: Dialer, previews: PreviewOffers | null): Promise<number> {
    let wake = Infinity;
    for (const slot of slots) {
      const next = await this.nextDueAt(slot.campaign.id, now);
      this.forget(slot.campaign.id);
      if (next === null || next > now) {
        if (next !== null) wake = Math.min(wake, next);
        continue;
      }
      const due = await this.store.dueCallbacks(slot.campaign.id, now);
      // All dialled since (or cancelled): the next one is read again on the next pass.
      if (due.length === 0) this.nextDue.delete(slot.campaign.id);
      for (const cb of due) {
        const k = key(cb.campaignId, cb.contactId);
        this.due.set(k, cb);
        if (cb.agentCode === null || cb.personalUntil === null || cb.personalUntil <= now) continue;
        this.kept.add(k);
        wake = Math.min(wake, cb.personalUntil);
        const agent = this.ctx.agents.get(cb.agentCode);
        if (!previews || !agent || !this.ctx.agents.isAvailable(agent) || previews.has(agent.agentCode)) continue;
        if (previews.isOffered(cb.campaignId, cb.contactId)) continue;
        const contact = await this.ctx.deps.store.getContact(cb.campaignId, cb.contactId);
        if (!contact || contact.state !== 'pending' || (contact.nextAttemptAt ?? 0) > now) continue;
        if (this.ctx.live.isCalling(subscriberKey(contact.dialNumber)) || previews.isOfferedNumber(subscriberKey(contact.dialNumber))) continue;
        const decision = await this.ctx.deps.policy.checkContact(contact, slot.campaign, slot.profile, now);
        if ((await dialer.applyDecision(contact, decision, now)) === false) continue;
        if (slot.campaign.state !== 'running' || !this.ctx.agents.isAvailable(agent)) continue;
        this.ctx.log({ campaignId: cb.campaignId, contactId: cb.contactId, agentCode: agent.agentCode }).info('personal callback offered to its agent');
        previews.offer(agent.agentCode, slot.campaign, slot.profile, contact, now);
      }
    }
    return wake;
  }

  /** A callback was scheduled, moved or cancelled through this node: the campaign's next due time is read again. */
  changed(campaignId?: number): void {
    if (campaignId === undefined) this.nextDue.clear();
    else this.nextDue.delete(campaignId);
  }

  /** The campaign's earliest scheduled callback, read again once the last reading is older than CALLBACK_RECHECK_MS. */
  private async nextDueAt(campaignId: number, now: number): Promise<number | null> {
    const known = this.nextDue.get(campaignId);
    if (known && now - known.readAt < CALLBACK_RECHECK_MS) return known.at;
    const at = await this.store.nextCallbackDueAt(campaignId);
    this.nextDue.set(campaignId, { at, readAt: now });
    return at;
  }

  private forget(campaignId: number): void {
    const prefix = `${campaignId}/`;
    for (const k of this.due.keys()) if (k.startsWith(prefix)) this.due.delete(k);
    for (const k of this.kept) if (k.startsWith(prefix)) this.kept.delete(k);
  }
}
