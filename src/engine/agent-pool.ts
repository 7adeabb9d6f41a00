/**
 * The agents the dialer can connect customers to, and what each is doing.
 *
 * Each agent's shift is the state machine of src/domain/agent-shift.ts (offline, ready,
 * reserved, talking, wrap-up, paused, with "pause after this call" pending); every change goes
 * through `apply`, which the machine may refuse. `online`, `paused` and `activity` are read-only
 * views of the shift for the pacers and counters. Unattended agents (simulated floor,
 * `CCS_AGENTS`) leave wrap-up on their own after `autoWrapUpSeconds`; agents at the desktop leave
 * it when they press ready, or after the configured maximum. The dialer picks the agent ready
 * longest, so work is spread evenly.
 */
import { activityOf, newShift, stepShift, type Pause, type Shift, type ShiftInput, type ShiftStep } from '../domain/agent-shift.ts';
import type { AgentRef } from '../ports/telephony.ts';

export type AgentActivity = 'idle' | 'reserved' | 'talking' | 'wrap-up';

export interface AgentStatus {
  agentCode: string;
  stationId: string;
  endpoint?: string;
  group: string;
  /** The shift (the one source of truth); the next four fields are views of it. */
  shift: Shift;
  online: boolean;
  paused: boolean;
  pauseReason: string | null;
  activity: AgentActivity;
  /** When the current state began. */
  since: number;
  callId: string | null;
  autoWrapUpSeconds: number | null;
  /** While in wrap-up: when its timer returns the agent to ready (the desktop shows a countdown). */
  wrapUpEndsAt?: number;
  callsTaken: number;
}

export class AgentPool {
  private agents = new Map<string, AgentStatus>();
  /** The same agents by group: the dialer reads one group's floor on every turn, and a floor has thousands of agents. */
  private byGroup = new Map<string, Set<AgentStatus>>();
  private startPauses = new Map<string, Pause>();

  constructor(private groupOf: (agentCode: string) => string) {}

  upsertPresence(ref: AgentRef, online: boolean, autoWrapUpSeconds: number | null, at: number): AgentStatus {
    let a = this.agents.get(ref.agentCode);
    if (!a) {
      let shift = newShift(online, at);
      const pause = this.startPauses.get(ref.agentCode);
      this.startPauses.delete(ref.agentCode);
      if (pause) shift = (stepShift(shift, { type: 'pause', reason: pause.reason }, at) as { shift: Shift }).shift;
      a = {
        agentCode: ref.agentCode,
        stationId: ref.stationId,
        ...(ref.endpoint ? { endpoint: ref.endpoint } : {}),
        group: this.groupOf(ref.agentCode),
        shift,
        ...viewOf(shift),
        callId: null,
        autoWrapUpSeconds,
        callsTaken: 0,
      };
      this.agents.set(ref.agentCode, a);
      this.joinGroup(a);
    } else {
      this.apply(ref.agentCode, { type: online ? 'phone-online' : 'phone-offline' }, at);
      if (autoWrapUpSeconds !== null) a.autoWrapUpSeconds = autoWrapUpSeconds;
    }
    return a;
  }

  /**
   * Moves the agent's shift; a refused input changes nothing. `callId` names the call that
   * reserves the agent (kept until the agent is free again).
   */
  apply(agentCode: string, input: ShiftInput, at: number, callId?: string): ShiftStep | undefined {
    const a = this.agents.get(agentCode);
    if (!a) return undefined;
    const step = stepShift(a.shift, input, at);
    if (!step.ok) return step;
    if (input.type === 'connect') a.callsTaken++;
    if (callId !== undefined) a.callId = callId;
    else if (step.shift.state !== 'reserved' && step.shift.state !== 'talking') a.callId = null;
    a.shift = step.shift;
    Object.assign(a, viewOf(step.shift));
    return step;
  }

  /** The agent, not on the floor yet, starts paused when its phone first reports. */
  startPaused(agentCode: string, pause: Pause): void {
    this.startPauses.set(agentCode, pause);
  }

  /** A ready given before the phone first reported: the agent starts ready after all. */
  clearStartPause(agentCode: string): void {
    this.startPauses.delete(agentCode);
  }

  remove(agentCode: string): void {
    const a = this.agents.get(agentCode);
    if (a) this.leaveGroup(a);
    this.agents.delete(agentCode);
    this.startPauses.delete(agentCode);
  }

  /** Moves the agent to another group (a supervisor's move). */
  setGroup(agentCode: string, group: string): void {
    const a = this.agents.get(agentCode);
    if (!a || a.group === group) return;
    this.leaveGroup(a);
    a.group = group;
    this.joinGroup(a);
  }

  /** The agents of one group, online or not. */
  inGroup(group: string): Iterable<AgentStatus> {
    return this.byGroup.get(group) ?? [];
  }

  private joinGroup(a: AgentStatus): void {
    const members = this.byGroup.get(a.group);
    if (members) members.add(a);
    else this.byGroup.set(a.group, new Set([a]));
  }

  private leaveGroup(a: AgentStatus): void {
    const members = this.byGroup.get(a.group);
    members?.delete(a);
    if (members?.size === 0) this.byGroup.delete(a.group);
  }

  get(agentCode: string): AgentStatus | undefined {
    return this.agents.get(agentCode);
  }

  all(): AgentStatus[] {
    return [...this.agents.values()];
  }

  isAvailable(a: AgentStatus): boolean {
    return a.shift.state === 'ready';
  }

  available(group: string): AgentStatus[] {
    return [...this.inGroup(group)].filter((a) => this.isAvailable(a));
  }

  /** The available agent of `group` idle longest (among those `eligible` accepts, when given), or undefined. */
  pick(group: string, eligible?: (agent: AgentStatus) => boolean): AgentStatus | undefined {
    let best: AgentStatus | undefined;
    for (const a of this.inGroup(group)) {
      if (!this.isAvailable(a)) continue;
      if (eligible && !eligible(a)) continue;
      if (!best || a.since < best.since) best = a;
    }
    return best;
  }

  groups(): string[] {
    return [...this.byGroup.keys()];
  }

  countBy(group: string): { loggedIn: number; available: number; reserved: number; talking: number; wrapUp: number; paused: number } {
    const c = { loggedIn: 0, available: 0, reserved: 0, talking: 0, wrapUp: 0, paused: 0 };
    for (const a of this.inGroup(group)) {
      if (!a.online) continue;
      c.loggedIn++;
      const state = a.shift.state;
      if (state === 'paused') c.paused++;
      if (state === 'ready') c.available++;
      if (state === 'reserved') c.reserved++;
      if (state === 'talking') c.talking++;
      if (state === 'wrap-up') c.wrapUp++;
    }
    return c;
  }
}

function viewOf(shift: Shift): Pick<AgentStatus, 'online' | 'paused' | 'pauseReason' | 'activity' | 'since'> {
  return {
    online: shift.phoneUp,
    paused: shift.state === 'paused',
    pauseReason: shift.state === 'paused' ? (shift.pause?.reason ?? null) : null,
    activity: activityOf(shift.state),
    since: shift.since,
  };
}
