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

export class LiveCalls {
  private calls = new Map<string, LiveCall>();
  private subscribers = new Map<string, number>();

  add(call: LiveCall): void {
    this.calls.set(call.callId, call);
    this.subscribers.set(call.subscriber, (this.subscribers.get(call.subscriber) ?? 0) + 1);
  }

  remove(callId: string): LiveCall | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    this.calls.delete(callId);
    const n = (this.subscribers.get(call.subscriber) ?? 1) - 1;
    if (n <= 0) this.subscribers.delete(call.subscriber);
    else this.subscribers.set(call.subscriber, n);
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
    let n = 0;
    for (const c of this.calls.values()) if (c.campaignId === campaignId) n++;
    return n;
  }

  /** Calls of a group not yet with an agent: dialing, ringing, or answered and waiting. */
  unconnected(group: string): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.group === group && c.state !== 'connected' && c.state !== 'ended') n++;
    return n;
  }

  /** Answered customers waiting for an agent, longest waiting first. */
  waiting(group: string): LiveCall[] {
    return this.all()
      .filter((c) => c.group === group && c.waitingSince !== null)
      .sort((a, b) => a.waitingSince! - b.waitingSince!);
  }
}
