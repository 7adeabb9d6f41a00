/**
 * The agents the dialer can connect customers to, and what each is doing.
 *
 * An agent is in service while its phone is online (presence comes from the driver) and it has
 * not paused. Activity moves  idle → reserved (a customer is being bridged to it) → talking →
 * wrap-up → idle. Unattended agents (simulated floor, `CCS_AGENTS`) leave wrap-up on their
 * own after `autoWrapUpSeconds`; agents at the desktop leave it when they press ready, or after
 * the configured maximum. The dialer picks the agent idle longest, so work is spread evenly.
 */
import type { AgentRef } from '../ports/telephony.ts';

export type AgentActivity = 'idle' | 'reserved' | 'talking' | 'wrap-up';

export interface AgentStatus {
  agentCode: string;
  stationId: string;
  endpoint?: string;
  group: string;
  online: boolean;
  paused: boolean;
  pauseReason: string | null;
  activity: AgentActivity;
  /** When the current activity (or pause) began. */
  since: number;
  callId: string | null;
  autoWrapUpSeconds: number | null;
  callsTaken: number;
}

export class AgentPool {
  private agents = new Map<string, AgentStatus>();

  constructor(private groupOf: (agentCode: string) => string) {}

  upsertPresence(ref: AgentRef, online: boolean, autoWrapUpSeconds: number | null, at: number): AgentStatus {
    let a = this.agents.get(ref.agentCode);
    if (!a) {
      a = {
        agentCode: ref.agentCode,
        stationId: ref.stationId,
        ...(ref.endpoint ? { endpoint: ref.endpoint } : {}),
        group: this.groupOf(ref.agentCode),
        online,
        paused: false,
        pauseReason: null,
        activity: 'idle',
        since: at,
        callId: null,
        autoWrapUpSeconds,
        callsTaken: 0,
      };
      this.agents.set(ref.agentCode, a);
    } else {
      a.online = online;
      if (autoWrapUpSeconds !== null) a.autoWrapUpSeconds = autoWrapUpSeconds;
      if (online && a.activity === 'idle') a.since = at;
    }
    return a;
  }

  remove(agentCode: string): void {
    this.agents.delete(agentCode);
  }

  get(agentCode: string): AgentStatus | undefined {
    return this.agents.get(agentCode);
  }

  all(): AgentStatus[] {
    return [...this.agents.values()];
  }

  isAvailable(a: AgentStatus): boolean {
    return a.online && !a.paused && a.activity === 'idle';
  }

  available(group: string): AgentStatus[] {
    return this.all().filter((a) => a.group === group && this.isAvailable(a));
  }

  /** The available agent of `group` idle longest, or undefined. */
  pick(group: string): AgentStatus | undefined {
    let best: AgentStatus | undefined;
    for (const a of this.agents.values()) {
      if (a.group !== group || !this.isAvailable(a)) continue;
      if (!best || a.since < best.since) best = a;
    }
    return best;
  }

  setActivity(agentCode: string, activity: AgentActivity, at: number, callId: string | null = null): AgentStatus | undefined {
    const a = this.agents.get(agentCode);
    if (!a) return undefined;
    a.activity = activity;
    a.since = at;
    a.callId = callId;
    if (activity === 'talking') a.callsTaken++;
    return a;
  }

  setPaused(agentCode: string, paused: boolean, reason: string | null, at: number): AgentStatus | undefined {
    const a = this.agents.get(agentCode);
    if (!a) return undefined;
    a.paused = paused;
    a.pauseReason = paused ? reason : null;
    a.since = at;
    return a;
  }

  groups(): string[] {
    return [...new Set(this.all().map((a) => a.group))];
  }

  countBy(group: string): { loggedIn: number; available: number; reserved: number; talking: number; wrapUp: number; paused: number } {
    const c = { loggedIn: 0, available: 0, reserved: 0, talking: 0, wrapUp: 0, paused: 0 };
    for (const a of this.agents.values()) {
      if (a.group !== group || !a.online) continue;
      c.loggedIn++;
      if (a.paused) c.paused++;
      else if (a.activity === 'idle') c.available++;
      if (a.activity === 'reserved') c.reserved++;
      if (a.activity === 'talking') c.talking++;
      if (a.activity === 'wrap-up') c.wrapUp++;
    }
    return c;
  }
}
