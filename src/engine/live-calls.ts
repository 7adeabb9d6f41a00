/**
 * Calls in flight, in memory: the engine's view of every attempt between "leg placed" and
 * "ended". It answers the dialer's questions (how many calls does a campaign or group have up,
 * is this number already being called) without touching storage.
 */
import type { AttemptState } from '../domain/campaign.ts';

export interface LiveCall {
  callId: string;
  campaignId: number;
  contactId: number;
  attemptNo: number;
  /** The number as the CRM sent it (reported back unchanged). */
  phoneNumber: string;
  dialNumber: string;
  subscriber: string;
  group: string;
  state: AttemptState;
  startedAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  connectedAt: number | null;
  agentCode: string | null;
  stationId: string | null;
  /** Set while an answered customer waits for an agent (the 2-second rule). */
  waitingSince: number | null;
  hangupRequested: boolean;
  /** The only agent this call may be bridged to: the one who called it (preview and manual dial). */
  reservedFor?: string;
  /** Dialled by hand: not a campaign attempt (campaign and contact 0), kept in the manual-call log, never reported to the CRM. */
  manual?: boolean;
}

/**
 * Counted and indexed as calls come and go (a campaign's count, the leg reserved for an agent),
 * so that the questions asked on every call event cost no scan of thousands of calls.
 */
export class LiveCalls {
  private calls = new Map<string, LiveCall>();
  private subscribers = new Map<string, number>();
  private perCampaign = new Map<number, number>();
  private perGroup = new Map<string, Set<LiveCall>>();
  /** Per agent: its reserved legs (preview, manual dial), oldest first; rarely more than one. */
  private reserved = new Map<string, LiveCall[]>();

  add(call: LiveCall): void {
    if (this.calls.has(call.callId)) this.remove(call.callId);
    this.calls.set(call.callId, call);
    this.subscribers.set(call.subscriber, (this.subscribers.get(call.subscriber) ?? 0) + 1);
    this.perCampaign.set(call.campaignId, (this.perCampaign.get(call.campaignId) ?? 0) + 1);
    const group = this.perGroup.get(call.group);
    if (group) group.add(call);
    else this.perGroup.set(call.group, new Set([call]));
    if (call.reservedFor !== undefined) {
      const legs = this.reserved.get(call.reservedFor);
      if (legs) legs.push(call);
      else this.reserved.set(call.reservedFor, [call]);
    }
  }

  remove(callId: string): LiveCall | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    this.calls.delete(callId);
    const n = (this.subscribers.get(call.subscriber) ?? 1) - 1;
    if (n <= 0) this.subscribers.delete(call.subscriber);
    else this.subscribers.set(call.subscriber, n);
    const c = (this.perCampaign.get(call.campaignId) ?? 1) - 1;
    if (c <= 0) this.perCampaign.delete(call.campaignId);
    else this.perCampaign.set(call.campaignId, c);
    const group = this.perGroup.get(call.group);
    group?.delete(call);
    if (group?.size === 0) this.perGroup.delete(call.group);
    if (call.reservedFor !== undefined) {
      const legs = this.reserved.get(call.reservedFor)?.filter((l) => l !== call) ?? [];
      if (legs.length > 0) this.reserved.set(call.reservedFor, legs);
      else this.reserved.delete(call.reservedFor);
    }
    return call;
  }

  get(callId: string): LiveCall | undefined {
    return this.calls.get(callId);
  }

  all(): LiveCall[] {
    return [...this.calls.values()];
  }

  get size(): number {
    return this.calls.size;
  }

  isCalling(subscriber: string): boolean {
    return this.subscribers.has(subscriber);
  }

  ofCampaign(campaignId: number): LiveCall[] {
    return this.all().filter((c) => c.campaignId === campaignId);
  }

  countCampaign(campaignId: number): number {
    return this.perCampaign.get(campaignId) ?? 0;
  }

  /** The leg placed for this agent alone (preview Call, manual dial) not yet connected to it, oldest first. */
  reservedLeg(agentCode: string): LiveCall | undefined {
    return this.reserved.get(agentCode)?.find((c) => c.connectedAt === null);
  }

  /** The calls of an agent group (its campaigns' legs). */
  ofGroup(group: string): LiveCall[] {
    const calls = this.perGroup.get(group);
    return calls ? [...calls] : [];
  }


  /** Answered customers waiting for an agent, longest waiting first. */
  waiting(group: string): LiveCall[] {
    const waiting: LiveCall[] = [];
    for (const c of this.perGroup.get(group) ?? []) if (c.waitingSince !== null) waiting.push(c);
    return waiting.sort((a, b) => a.waitingSince! - b.waitingSince!);
  }
}
