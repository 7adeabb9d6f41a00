/**
 * Manual dial: a ready agent dials a number from the desk. The number goes through the same
 * checks as a campaign contact, under the default profile (its calling hours and rule set),
 * with the do-not-call list always consulted: a listed number, a closed calling window or a
 * reached frequency cap refuses the call with the reason. Every request is kept in the
 * manual-call log (refused ones too, with why) for the audit; a placed call is bridged to
 * that agent only, counts towards frequency caps, and is never reported to the CRM: the
 * contract's `updateCampaign` has no place for a call outside a campaign.
 */
import type { ShiftInput, ShiftStep } from '../domain/agent-shift.ts';
import type { CampaignRecord, ContactRecord } from '../domain/campaign.ts';
import { subscriberKey, toDialNumber } from '../domain/phone-number.ts';
import { refused, refusalOfPostpone, type AgentDialRefusal, type AgentDialResult } from './agent-dial-result.ts';
import type { Dialer } from './dialer.ts';
import type { EngineContext } from './engine-context.ts';
import type { PreviewOffers } from './preview-offers.ts';

const DAY_MS = 86_400_000;
/** Every manual call's id starts so (campaign attempts are `ccs-<campaign>-…`). */
export const MANUAL_CALL_PREFIX = 'ccs-manual-';

export interface ManualDialHooks {
  dialer: Dialer;
  previews: PreviewOffers;
  shift(agentCode: string, input: ShiftInput, at: number, callId?: string): ShiftStep | undefined;
}

export class ManualDial {
  private seq = 0;

  constructor(
    private ctx: EngineContext,
    private hooks: ManualDialHooks,
  ) {}

  async dial(agentCode: string, rawNumber: unknown): Promise<AgentDialResult> {
    const log = this.ctx.deps.manualCalls;
    if (!log) return refused('unavailable', 'manual dial is not available on this service');
    const dialNumber = toDialNumber(rawNumber);
    if (dialNumber === null) return refused('invalid', 'not a dialable number: 3–20 digits, optional leading +');
    const agent = this.ctx.agents.get(agentCode);
    const { clock, policy, profiles } = this.ctx.deps;
    const now = clock.now();
    // Reserved before any await, so the dialer cannot hand this agent a customer meanwhile.
    if (!agent || agent.shift.state !== 'ready' || !this.hooks.shift(agentCode, { type: 'reserve' }, now)?.ok) {
      return refused('not-ready', 'press Ready first: only a ready agent can dial');
    }
    const callId = `${MANUAL_CALL_PREFIX}${now}-${++this.seq}`;
    const record = { callId, agentCode, stationId: agent.stationId, dialNumber, startedAt: now, audit: null as Record<string, unknown> | null };
    const free = () => {
      const a = this.ctx.agents.get(agentCode);
      if (a?.shift.state === 'reserved' && (a.callId === null || a.callId === callId)) this.hooks.shift(agentCode, { type: 'bridge-failed' }, clock.now());
    };
    const refuse = async (refusal: AgentDialRefusal, reason: string): Promise<AgentDialResult> => {
      free();
      await log.refuse(record, reason).catch((error) => this.ctx.log({ agentCode }).warn({ err: String(error) }, 'refused manual call not recorded'));
      this.ctx.log({ agentCode }).info({ number: dialNumber, reason }, 'manual call refused');
      this.ctx.events.emit('manual:requested', { agentCode, number: dialNumber, callId: null, refused: reason, at: now });
      return refused(refusal, reason);
    };
    try {
      const subscriber = subscriberKey(dialNumber);
      if (this.ctx.live.isCalling(subscriber) || this.hooks.previews.isOfferedNumber(subscriber)) return await refuse('busy-number', 'this number is on another call now');
      const profile = profiles.fallback;
      const campaign: CampaignRecord = {
        id: 0,
        typeId: null,
        startsAt: now,
        endsAt: now + DAY_MS,
        state: 'running',
        finishStatus: null,
        receivedAt: now,
        startedAt: now,
        stoppedAt: null,
        finishedAt: null,
        contactTotal: 1,
        contentHash: '',
        extra: null,
      };
      const gate = policy.campaignGate(campaign, profile, now);
      if (gate) return await refuse('hours', gate.reason);
      const contact: ContactRecord = {
        campaignId: 0,
        contactId: 0,
        seq: 0,
        phoneNumber: String(rawNumber).trim(),
        dialNumber,
        linkEdit: null,
        state: 'pending',
        outcome: null,
        attempts: 0,
        nextAttemptAt: now,
        lastStatus: null,
        waitReason: null,
        extra: null,
      };
      const decision = await policy.checkContact(contact, campaign, profile, now, { alwaysCheckDnc: true });
      if (decision.kind === 'dnc') return await refuse('dnc', decision.reason);
      if (decision.kind === 'postpone') return await refuse(refusalOfPostpone(decision.reason), decision.reason);
      const current = this.ctx.agents.get(agentCode);
      if (current?.shift.state !== 'reserved' || current.callId !== null) return await refuse('not-ready', 'the agent left the floor meanwhile');
      if (this.ctx.live.isCalling(subscriber)) return await refuse('busy-number', 'this number is on another call now');
      record.audit = decision.audit;
      await this.hooks.dialer.placeReserved({ profile, contact, audit: decision.audit, agentCode, manualCallId: callId });
      this.ctx.events.emit('manual:requested', { agentCode, number: dialNumber, callId, refused: null, at: now });
      return { ok: true, callId };
    } catch (error) {
      free();
      this.ctx.log({ agentCode }).warn({ err: String(error) }, 'manual call not placed');
      return refused('store', String((error as Error)?.message ?? error));
    }
  }

  /** Manual calls a stopped or crashed run left open: their outcome is unknown, so they end as failed. */
  async closeLeftOpen(): Promise<void> {
    const log = this.ctx.deps.manualCalls;
    if (!log) return;
    const now = this.ctx.deps.clock.now();
    for (const call of await log.open()) {
      if (this.ctx.live.get(call.callId)) continue;
      await log.end({ callId: call.callId, status: 'FAILED', endedAt: Math.max(now, call.startedAt), answeredAt: null, connectedAt: null, cause: 'lost in a restart' });
    }
  }
}
