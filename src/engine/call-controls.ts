/**
 * The engine's side of call controls: who may act on a call, what each control does to the
 * agents' shifts, and what the call keeps for its report.
 *
 * A connected call has one handler: the agent who has the customer (the first agent, then a
 * transfer's target). Only the handler's intents are taken (hold, resume, mute, unmute,
 * DTMF, transfer, complete, cancel, conference); the driver confirms each with an event
 * (src/ports/telephony.ts) and the state here follows those events, never the intents:
 *
 *   held ⇄ resumed   hold time is measured per call (from `held` to `resumed` or the end)
 *   transfer to an agent: the target must be ready; it is reserved at once (no customer is
 *     routed to it meanwhile) → consult answered: talking → transferred: the target is the
 *     handler and the first agent goes to wrap-up at once (no disposition owed) → the call's
 *     end: the target goes to wrap-up and gives the disposition.
 *     consult failed / ended: the target is free again (after a consult it talked in: wrap-up).
 *   conference joined: the target talks with both; left: it goes to wrap-up; at the call's end
 *     every agent still on it goes to wrap-up.
 *
 * What the call reports stays one `updateCampaign` per attempt with the contract's fields:
 * `agentcode`/`station_id` name the agent who first took the call (the CRM's record of who
 * reached the contact, and the attempt row's agent, which its disposition and notes belong
 * to), `duration` runs until the customer leaves, and the one recording is the call's bridge,
 * which every party talked in. Hold time goes to the report rollup's hold column.
 */
import type { ShiftInput, ShiftStep } from '../domain/agent-shift.ts';
import {
  CallControlError,
  type AgentRef,
  type CallControlRefusal,
  type PartyRef,
  type TelephonyEvent,
  type TransferTarget,
} from '../ports/telephony.ts';
import type { EngineContext } from './engine-context.ts';
import type { LiveCall } from './live-calls.ts';

export type ControlIntent =
  | { type: 'hold' }
  | { type: 'resume' }
  | { type: 'mute' }
  | { type: 'unmute' }
  | { type: 'dtmf'; digits: string }
  | { type: 'transfer'; target: ControlTarget; mode: 'blind' | 'attended' }
  | { type: 'complete' }
  | { type: 'cancel' }
  | { type: 'conference' };

/** A transfer target as the desk names it. */
export type ControlTarget =
  | { kind: 'agent'; agentCode: string }
  /** A supervisor's phone (the account's monitorEndpoint). */
  | { kind: 'supervisor'; username: string; endpoint: string }
  | { kind: 'number'; number: string };

export type ControlRefusal = CallControlRefusal | 'target-busy' | 'number-not-allowed' | 'telephony';
export type ControlAnswer = { ok: true } | { ok: false; refusal: ControlRefusal; message: string };

/** What the desk shows of a call's controls. */
export interface CallControlView {
  held: boolean;
  /** Since when the customer is held (for the running hold timer). */
  heldSince: number | null;
  /** Hold time so far, closed holds only. */
  holdMs: number;
  muted: boolean;
  transfer: { party: PartyRef; mode: 'blind' | 'attended'; phase: 'ringing' | 'answered' | 'conference' } | null;
  /** The consult that failed last, and why (until the next transfer). */
  lastFailure: { party: PartyRef; reason: string } | null;
  /** Set once the customer was handed to someone else. */
  transferredTo: PartyRef | null;
  /** The agent who has the customer now. */
  handler: string | null;
}

interface ControlState extends CallControlView {
  callId: string;
  firstAgent: string;
  /** Agents of transfers in progress or in conference (reserved or talking on this call). */
  targetAgent: string | null;
  /** The mode of the transfer asked for last (its consult events carry no mode). */
  transferMode: 'blind' | 'attended';
}

export interface CallControlHooks {
  shift(agentCode: string, input: ShiftInput, at: number, callId?: string): ShiftStep | undefined;
  /** The agent's part in the call is over: wrap-up (no disposition owed). */
  wrapUp(agentCode: string, at: number): void;
  /** The desk of these agents should refresh. */
  changed(callId: string, agentCodes: string[]): void;
}

/** Calls whose last handler is remembered after their end (for the disposition). */
const REMEMBERED = 1000;

export class CallControlBook {
  private readonly calls = new Map<string, ControlState>();
  private readonly lastHandlers = new Map<string, string>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly hooks: CallControlHooks,
  ) {}

  /** The call was bridged with its first agent. */
  connected(call: LiveCall, agentCode: string): void {
    if (this.calls.has(call.callId)) return;
    this.calls.set(call.callId, {
      callId: call.callId,
      firstAgent: agentCode,
      handler: agentCode,
      targetAgent: null,
      transferMode: 'attended',
      held: false,
      heldSince: null,
      holdMs: 0,
      muted: false,
      transfer: null,
      lastFailure: null,
      transferredTo: null,
    });
  }

  view(callId: string): CallControlView | null {
    const s = this.calls.get(callId);
    if (!s) return null;
    const { held, heldSince, holdMs, muted, transfer, lastFailure, transferredTo, handler } = s;
    return { held, heldSince, holdMs, muted, transfer, lastFailure, transferredTo, handler };
  }

  /** The live call this agent has the customer of, or takes part in. */
  callOf(agentCode: string): string | null {
    for (const s of this.calls.values()) if (s.handler === agentCode || s.targetAgent === agentCode) return s.callId;
    return null;
  }

  /** The agent who had the customer last on this call (live or recently ended). */
  lastHandlerOf(callId: string): string | null {
    return this.calls.get(callId)?.handler ?? this.lastHandlers.get(callId) ?? null;
  }

  /** An agent's intent on its call. */
  async act(agentCode: string, intent: ControlIntent): Promise<ControlAnswer> {
    const callId = this.callOf(agentCode);
    const s = callId ? this.calls.get(callId) : undefined;
    const call = callId ? this.ctx.live.get(callId) : undefined;
    if (!s || !call) return refuse('no-call', 'You have no call in progress.');
    if (s.handler !== agentCode) return refuse('not-connected', 'Only the agent who has the customer can do this.');
    const { telephony, clock } = this.ctx.deps;
    let reserved: string | null = null;
    try {
      switch (intent.type) {
        case 'hold':
          await telephony.hold(s.callId);
          break;
        case 'resume':
          await telephony.resume(s.callId);
          break;
        case 'mute':
          await telephony.mute(s.callId);
          break;
        case 'unmute':
          await telephony.unmute(s.callId);
          break;
        case 'dtmf':
          await telephony.sendDtmf(s.callId, intent.digits);
          break;
        case 'complete':
          await telephony.completeTransfer(s.callId);
          break;
        case 'cancel':
          await telephony.cancelTransfer(s.callId);
          break;
        case 'conference':
          await telephony.conference(s.callId);
          break;
        case 'transfer': {
          // A transfer asked for and not answered yet counts too (its first event may still be on its way).
          if (s.transfer || s.targetAgent) return refuse('transfer-state', 'A transfer is already in progress.');
          const target = this.targetOf(call, intent.target);
          if ('refusal' in target) return target;
          if (target.kind === 'agent' && this.ctx.agents.get(target.agent.agentCode)) {
            // The target is held for this call at once: no customer is routed to it meanwhile.
            const step = this.hooks.shift(target.agent.agentCode, { type: 'reserve' }, clock.now(), s.callId);
            if (!step?.ok) return refuse('target-busy', `${target.agent.agentCode} is not ready to take a call.`);
            reserved = target.agent.agentCode;
            s.targetAgent = reserved;
          }
          s.lastFailure = null;
          s.transferMode = intent.mode;
          await telephony.transfer(s.callId, target, { mode: intent.mode });
          break;
        }
      }
    } catch (error) {
      if (reserved) this.freeTarget(s, reserved, clock.now(), false);
      if (error instanceof CallControlError) return refuse(error.code, error.message);
      this.ctx.log({ callId: s.callId, agentCode }).warn({ err: String(error), intent: intent.type }, 'call control failed');
      return refuse('telephony', String((error as Error)?.message ?? error));
    }
    this.ctx.log({ callId: s.callId, agentCode }).info({ intent: intent.type }, 'call control');
    return { ok: true };
  }

  /** A control event from the driver (in the call's order, after its `connected`). */
  onEvent(event: Extract<TelephonyEvent, { type: 'held' | 'resumed' | 'muted' | 'unmuted' | 'consult' | 'transferred' | 'conference' }>): void {
    const s = this.calls.get(event.callId);
    if (!s) return;
    const at = event.at;
    const before = [s.handler, s.targetAgent, s.firstAgent];
    switch (event.type) {
      case 'held':
        if (!s.held) {
          s.held = true;
          s.heldSince = at;
        }
        break;
      case 'resumed':
        this.closeHold(s, at);
        break;
      case 'muted':
      case 'unmuted':
        s.muted = event.type === 'muted';
        break;
      case 'consult':
        if (event.phase === 'ringing' || event.phase === 'answered') {
          s.transfer = { party: event.party, mode: s.transferMode, phase: event.phase === 'answered' ? 'answered' : (s.transfer?.phase ?? 'ringing') };
          if (event.phase === 'answered' && s.targetAgent) this.hooks.shift(s.targetAgent, { type: 'connect' }, at, s.callId);
        } else {
          if (event.phase === 'failed') s.lastFailure = { party: event.party, reason: event.reason ?? 'failed' };
          const talked = s.transfer?.phase === 'answered';
          s.transfer = null;
          if (s.targetAgent) this.freeTarget(s, s.targetAgent, at, talked);
        }
        break;
      case 'conference':
        if (event.phase === 'joined') {
          if (s.transfer) s.transfer = { ...s.transfer, phase: 'conference' };
        } else {
          s.transfer = null;
          if (s.targetAgent) this.freeTarget(s, s.targetAgent, at, true);
        }
        break;
      case 'transferred': {
        const previous = s.handler;
        s.transfer = null;
        s.muted = false;
        s.transferredTo = event.party;
        s.handler = event.party.kind === 'agent' ? event.party.agentCode : null;
        if (s.targetAgent === s.handler) s.targetAgent = null;
        // The first agent's part is over: wrap-up at once, the disposition is the target's.
        if (previous) this.hooks.wrapUp(previous, at);
        break;
      }
    }
    this.hooks.changed(s.callId, [...new Set([...before, s.handler, s.targetAgent].filter((a): a is string => !!a))]);
  }

  /**
   * The call ended: its hold time, who had the customer last, and the other agents still on
   * it (a consult or conference party), who go to wrap-up.
   */
  ended(callId: string, at: number): { holdMs: number; handler: string | null; firstAgent: string | null; others: string[] } | null {
    const s = this.calls.get(callId);
    if (!s) return null;
    this.closeHold(s, at);
    this.calls.delete(callId);
    if (s.handler) {
      this.lastHandlers.set(callId, s.handler);
      if (this.lastHandlers.size > REMEMBERED) this.lastHandlers.delete(this.lastHandlers.keys().next().value!);
    }
    const others = s.targetAgent && s.targetAgent !== s.handler ? [s.targetAgent] : [];
    return { holdMs: s.holdMs, handler: s.handler, firstAgent: s.firstAgent, others };
  }

  private closeHold(s: ControlState, at: number): void {
    if (!s.held) return;
    s.holdMs += Math.max(0, at - (s.heldSince ?? at));
    s.held = false;
    s.heldSince = null;
  }

  /** A target agent is off this call: free again, or to wrap-up after it talked. */
  private freeTarget(s: ControlState, agentCode: string, at: number, talked: boolean): void {
    if (s.targetAgent === agentCode) s.targetAgent = null;
    const agent = this.ctx.agents.get(agentCode);
    if (!agent || agent.callId !== s.callId) return;
    if (talked && agent.shift.state === 'talking') this.hooks.wrapUp(agentCode, at);
    else this.hooks.shift(agentCode, { type: 'bridge-failed' }, at);
  }

  private targetOf(call: LiveCall, target: ControlTarget): TransferTarget | Extract<ControlAnswer, { ok: false }> {
    if (target.kind === 'number') {
      const number = target.number.replace(/[\s.()-]/g, '');
      if (!/^\+?\d{3,32}$/.test(number)) return refuse('invalid-target', 'That is not a phone number.');
      const campaign = this.ctx.campaigns.get(call.campaignId);
      const prefixes = campaign ? (this.ctx.profileOf(campaign).transferNumberPrefixes ?? []) : [];
      if (!prefixes.some((p) => number.startsWith(p))) return refuse('number-not-allowed', 'Transfers to outside numbers are not allowed for this campaign.');
      return { kind: 'number', number, callerId: null };
    }
    if (target.kind === 'supervisor') return { kind: 'agent', agent: { agentCode: `Supervisor/${target.username}`, stationId: target.username, endpoint: target.endpoint } };
    const agent = this.ctx.agents.get(target.agentCode);
    if (!agent || !agent.online) return refuse('invalid-target', `${target.agentCode} is not on the floor.`);
    if (agent.shift.state !== 'ready') return refuse('target-busy', `${target.agentCode} is not ready to take a call.`);
    const ref: AgentRef = { agentCode: agent.agentCode, stationId: agent.stationId, ...(agent.endpoint ? { endpoint: agent.endpoint } : {}) };
    return { kind: 'agent', agent: ref };
  }
}

const refuse = (refusal: ControlRefusal, message: string): Extract<ControlAnswer, { ok: false }> => ({ ok: false, refusal, message });
