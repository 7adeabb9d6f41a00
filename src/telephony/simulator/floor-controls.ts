/**
 * Call controls on the simulated floor (the `CallControls` rules of src/ports/telephony.ts):
 * hold, mute, DTMF, blind and attended transfer, conference, and agents whose phone goes
 * away mid-call.
 *
 * Per connected call the floor keeps who has the customer (the handler: the first agent,
 * then a transfer's target), whether the customer is held and the agent muted, and at most
 * one consult:
 *
 *   none ──transfer──▶ ringing ──(target answers)──▶ answered ──conference──▶ conference
 *   ringing ──(target busy / offline / rings out)──▶ none (consult failed, customer resumed)
 *   ringing | answered | conference ──cancelTransfer──▶ none (consult ended / conference left)
 *   answered | conference ──completeTransfer──▶ none, the target is the handler (transferred)
 *   blind: ringing ──(target answers)──▶ none, the target is the handler (transferred)
 *
 * Targets behave as the floor decides, so tests can reach every branch: an agent that is
 * offline (or unknown without a phone) fails `offline`; one already on a call fails `busy`;
 * otherwise its phone (or a phone the floor has no agent for, e.g. a supervisor's) answers
 * after the floor's connect delay. A number ending in 1 is busy, in 2 rings
 * out after `CONSULT_RING_MS`, any other answers after a second.
 * Every event follows the command on a clock timer, never inside it.
 */
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import {
  CallControlError,
  DTMF_DIGITS,
  type ConsultFailure,
  type PartyRef,
  type TelephonyEvent,
  type TransferTarget,
} from '../../ports/telephony.ts';
import type { AgentRoster } from './agent-roster.ts';
import type { SimulatedCall } from './simulated-call.ts';

/** How long a consulted number that does not answer rings before the consult fails. */
export const CONSULT_RING_MS = 20_000;
const NUMBER_ANSWER_MS = 1_000;
const BUSY_AFTER_MS = 300;

interface Consult {
  party: PartyRef;
  mode: 'blind' | 'attended';
  phase: 'ringing' | 'answered' | 'conference';
  timer: TimerHandle | null;
}

interface Controls {
  call: SimulatedCall;
  handler: string;
  held: boolean;
  muted: boolean;
  consult: Consult | null;
}

export interface ControlFloor {
  readonly clock: Clock;
  readonly connectDelayMs: number;
  readonly agents: AgentRoster;
  call(callId: string): SimulatedCall | undefined;
  /** Sends the event on a timer (after the command that caused it). */
  later(delayMs: number, fn: () => void): void;
  emit(event: TelephonyEvent): void;
}

const partyOf = (target: TransferTarget): PartyRef =>
  target.kind === 'agent' ? { kind: 'agent', agentCode: target.agent.agentCode } : { kind: 'number', number: target.number };
const agentOfParty = (party: PartyRef) => (party.kind === 'agent' ? party.agentCode : null);

export class FloorControls {
  private readonly byCall = new Map<string, Controls>();
  /** Digits each call has sent (tests read them). */
  readonly dtmfSent = new Map<string, string>();

  constructor(private readonly floor: ControlFloor) {}

  /** Whether the agent is on a call of the floor (as its handler or a consulted party). */
  isBusy(agentCode: string): boolean {
    for (const c of this.byCall.values()) {
      if (c.handler === agentCode || (c.consult && agentOfParty(c.consult.party) === agentCode)) return true;
    }
    return false;
  }

  /** The agent who has the customer now (the first agent, or the target after a transfer). */
  handlerOf(callId: string): string | null {
    return this.byCall.get(callId)?.handler ?? null;
  }

  /** A call was bridged with its agent: its controls start. */
  connected(call: SimulatedCall, agentCode: string): void {
    this.byCall.set(call.callId, { call, handler: agentCode, held: false, muted: false, consult: null });
  }

  /** The call ended: a ringing consult leg is dropped with it. */
  ended(callId: string): void {
    const c = this.byCall.get(callId);
    c?.consult?.timer?.cancel();
    this.byCall.delete(callId);
  }

  /** An agent's phone went away: a call it has ends, a consult it is in ends. */
  phoneLost(agentCode: string): void {
    for (const c of [...this.byCall.values()]) {
      if (c.handler === agentCode) c.call.hangupBy('agent phone unregistered');
      else if (c.consult && agentOfParty(c.consult.party) === agentCode) this.dropConsult(c);
    }
  }

  async hold(callId: string): Promise<void> {
    const c = this.connectedCall(callId, 'hold');
    if (c.held) return;
    if (c.consult) throw new CallControlError('transfer-state', `hold: call ${callId} has a transfer in progress`);
    this.setHeld(c, true);
  }

  async resume(callId: string): Promise<void> {
    const c = this.connectedCall(callId, 'resume');
    if (!c.held) return;
    if (c.consult && c.consult.phase !== 'conference') throw new CallControlError('transfer-state', `resume: call ${callId} is being transferred; cancel the transfer first`);
    this.setHeld(c, false);
  }

  async mute(callId: string): Promise<void> {
    this.setMuted(this.connectedCall(callId, 'mute'), true);
  }

  async unmute(callId: string): Promise<void> {
    this.setMuted(this.connectedCall(callId, 'unmute'), false);
  }

  async sendDtmf(callId: string, digits: string): Promise<void> {
    this.connectedCall(callId, 'sendDtmf');
    if (!DTMF_DIGITS.test(digits)) throw new CallControlError('invalid-digits', `sendDtmf: ${JSON.stringify(digits)} is not DTMF`);
    this.dtmfSent.set(callId, (this.dtmfSent.get(callId) ?? '') + digits);
  }

  async transfer(callId: string, target: TransferTarget, mode: 'blind' | 'attended'): Promise<void> {
    const c = this.connectedCall(callId, 'transfer');
    if (c.consult) throw new CallControlError('transfer-state', `transfer: call ${callId} already has a transfer in progress`);
    if (target.kind === 'agent' && target.agent.agentCode === c.handler) throw new CallControlError('invalid-target', 'transfer: the agent is already on this call');
    if (target.kind === 'number' && !/^\+?\d{1,32}$/.test(target.number)) throw new CallControlError('invalid-target', `transfer: invalid number ${JSON.stringify(target.number)}`);
    // Decided before this consult counts its target as busy.
    let targetState: 'offline' | 'busy' | 'free' = 'free';
    if (target.kind === 'agent') {
      const online = this.floor.agents.isOnline(target.agent.agentCode);
      // A phone the floor has no agent for (a supervisor's) answers like any phone.
      if (online === undefined ? !target.agent.endpoint : !online) targetState = 'offline';
      else if (this.isBusy(target.agent.agentCode)) targetState = 'busy';
    }
    const consult: Consult = { party: partyOf(target), mode, phase: 'ringing', timer: null };
    c.consult = consult;
    this.setHeld(c, true);
    const { floor } = this;
    const event = (phase: 'ringing' | 'answered' | 'failed' | 'ended', reason?: ConsultFailure) =>
      floor.emit({ type: 'consult', callId, phase, party: consult.party, ...(reason ? { reason } : {}), at: floor.clock.now() });
    const fail = (reason: ConsultFailure, afterMs: number) => {
      consult.timer = floor.clock.setTimer(afterMs, () => {
        if (c.consult !== consult) return;
        c.consult = null;
        event('failed', reason);
        this.setHeld(c, false, true);
      });
    };
    let answerAfterMs: number;
    if (target.kind === 'agent') {
      if (targetState !== 'free') return fail(targetState, BUSY_AFTER_MS);
      answerAfterMs = floor.connectDelayMs;
    } else {
      const last = target.number.slice(-1);
      if (last === '1') return fail('busy', BUSY_AFTER_MS);
      if (last === '2') {
        floor.later(0, () => c.consult === consult && event('ringing'));
        return fail('no-answer', CONSULT_RING_MS);
      }
      answerAfterMs = NUMBER_ANSWER_MS;
    }
    floor.later(0, () => c.consult === consult && event('ringing'));
    consult.timer = floor.clock.setTimer(Math.max(1, answerAfterMs), () => {
      consult.timer = null;
      if (c.consult !== consult) return;
      consult.phase = 'answered';
      event('answered');
      if (mode === 'blind') this.handOver(c, consult);
    });
  }

  async completeTransfer(callId: string): Promise<void> {
    const c = this.connectedCall(callId, 'completeTransfer');
    const consult = c.consult;
    if (!consult || consult.phase === 'ringing') throw new CallControlError('transfer-state', `completeTransfer: call ${callId} has no answered consult`);
    this.floor.later(0, () => c.consult === consult && this.handOver(c, consult));
    // Decided now: a second control in the meantime sees the transfer done.
    consult.phase = 'answered';
    consult.mode = 'blind';
  }

  async cancelTransfer(callId: string): Promise<void> {
    const c = this.connectedCall(callId, 'cancelTransfer');
    if (!c.consult) throw new CallControlError('transfer-state', `cancelTransfer: call ${callId} has no transfer in progress`);
    this.dropConsult(c);
  }

  async conference(callId: string): Promise<void> {
    const c = this.connectedCall(callId, 'conference');
    const consult = c.consult;
    if (!consult || consult.phase !== 'answered' || consult.mode === 'blind') throw new CallControlError('transfer-state', `conference: call ${callId} has no answered consult`);
    consult.phase = 'conference';
    this.floor.later(0, () => {
      if (c.consult !== consult) return;
      this.setHeld(c, false, true);
      this.floor.emit({ type: 'conference', callId, phase: 'joined', party: consult.party, at: this.floor.clock.now() });
    });
  }

  private connectedCall(callId: string, what: string): Controls {
    const call = this.floor.call(callId);
    if (!call || !call.live) throw new CallControlError('no-call', `${what}: no live call ${callId}`);
    const c = this.byCall.get(callId);
    if (!c || call.state !== 'connected') throw new CallControlError('not-connected', `${what}: call ${callId} is not connected to an agent`);
    return c;
  }

  private setHeld(c: Controls, held: boolean, now = false): void {
    if (c.held === held) return;
    c.held = held;
    const send = () => c.call.live && this.floor.emit({ type: held ? 'held' : 'resumed', callId: c.call.callId, at: this.floor.clock.now() });
    if (now) send();
    else this.floor.later(0, send);
  }

  private setMuted(c: Controls, muted: boolean): void {
    if (c.muted === muted) return;
    c.muted = muted;
    this.floor.later(0, () => c.call.live && this.floor.emit({ type: muted ? 'muted' : 'unmuted', callId: c.call.callId, at: this.floor.clock.now() }));
  }

  /** The target has the customer now; the first agent is gone from the call. */
  private handOver(c: Controls, consult: Consult): void {
    c.consult = null;
    c.muted = false;
    // A number takes the call over too: the first agent is free either way.
    c.handler = consult.party.kind === 'agent' ? consult.party.agentCode : `tel:${consult.party.number}`;
    this.setHeld(c, false, true);
    this.floor.emit({ type: 'transferred', callId: c.call.callId, party: consult.party, at: this.floor.clock.now() });
  }

  /** The consulted party is gone (cancelled, or its phone hung up): the agent is back with the customer. */
  private dropConsult(c: Controls): void {
    const consult = c.consult!;
    consult.timer?.cancel();
    c.consult = null;
    const callId = c.call.callId;
    this.floor.later(0, () => {
      if (!c.call.live) return;
      const at = this.floor.clock.now();
      if (consult.phase === 'conference') this.floor.emit({ type: 'conference', callId, phase: 'left', party: consult.party, at });
      else this.floor.emit({ type: 'consult', callId, phase: 'ended', party: consult.party, at });
      this.setHeld(c, false, true);
    });
  }
}
