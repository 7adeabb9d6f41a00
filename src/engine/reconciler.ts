/**
 * After a crash of CCS, or a restart of the PBX, some attempts have no known outcome. The
 * reconciler compares the attempts the store has in flight with the calls the driver still
 * has up: calls still up are adopted and followed as usual; the others are ended now, with the
 * best status that is known (connected → ANSWERED, answered → ABANDONED, else FAILED) and the
 * last instant the call was known to exist as their end, so every attempt is reported once
 * and retried if attempts remain.
 */
import { subscriberKey } from '../domain/phone-number.ts';
import type { AttemptRecord } from '../domain/campaign.ts';
import type { EngineContext } from './engine-context.ts';
import type { CallHandler } from './call-handler.ts';

export class Reconciler {
  constructor(
    private ctx: EngineContext,
    private calls: CallHandler,
  ) {}

  /**
   * Puts every attempt the store has in flight back into the live set (before the driver
   * starts); with `ofGroup`, only those of campaigns in the agent groups it accepts (the
   * groups this engine dials). Resolves with the number adopted.
   */
  async adoptOpenAttempts(ofGroup: (group: string) => boolean = () => true): Promise<number> {
    const open = await this.ctx.deps.store.openAttempts();
    // Everything is read before anything is adopted: a read that fails adopts nothing, so a
    // retry adopts (and counts) them all.
    const found: ReturnType<Reconciler['toLive']>[] = [];
    for (const a of open) {
      if (this.ctx.live.get(a.callId)) continue;
      const campaign = this.ctx.campaigns.get(a.campaignId) ?? (await this.ctx.deps.store.getCampaign(a.campaignId));
      const group = campaign ? this.ctx.profileOf({ typeId: campaign.typeId }).agentGroup : 'default';
      if (!ofGroup(group)) continue;
      const contact = await this.ctx.deps.store.getContact(a.campaignId, a.contactId);
      found.push(this.toLive(a, contact?.phoneNumber ?? a.dialNumber, group));
    }
    let adopted = 0;
    for (const call of found) {
      if (this.ctx.live.get(call.callId)) continue;
      this.ctx.live.add(call);
      adopted++;
    }
    return adopted;
  }

  /** Ends every live call the driver no longer has. */
  async reconcileWithDriver(): Promise<number> {
    let driverCalls: Set<string>;
    try {
      driverCalls = new Set(await this.ctx.deps.telephony.liveCalls());
    } catch (error) {
      this.ctx.deps.logger.warn({ err: String(error) }, 'cannot list calls of the telephony driver; reconciliation postponed');
      return 0;
    }
    let ended = 0;
    for (const call of this.ctx.live.all()) {
      if (driverCalls.has(call.callId)) continue;
      ended++;
      this.ctx.log({ callId: call.callId, campaignId: call.campaignId }).warn({ state: call.state }, 'call lost in a restart: reporting it with the last known state');
      const cause = call.connectedAt !== null ? 'normal' : call.answeredAt !== null ? 'abandoned' : 'failed';
      this.calls.endWithoutEvent(call.callId, cause, 'outcome unknown after a restart', 'last-known');
    }
    return ended;
  }

  private toLive(a: AttemptRecord, phoneNumber: string, group: string) {
    return {
      callId: a.callId,
      campaignId: a.campaignId,
      contactId: a.contactId,
      attemptNo: a.attemptNo,
      phoneNumber,
      dialNumber: a.dialNumber,
      subscriber: subscriberKey(a.dialNumber),
      group,
      state: a.state,
      startedAt: a.startedAt,
      ringingAt: a.ringingAt,
      answeredAt: a.answeredAt,
      connectedAt: a.connectedAt,
      agentCode: a.agentCode,
      stationId: a.stationId,
      waitingSince: null,
      hangupRequested: false,
    };
  }
}
