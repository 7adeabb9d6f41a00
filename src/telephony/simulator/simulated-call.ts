/**
 * One customer leg on the simulated call floor, as a small state machine driven by timers on
 * the injected clock.
 *
 *   dialling ──(ringing)──▶ ringing ──(customer picks up)──▶ answered
 *   dialling/ringing ──(refused, or the ring timeout)──▶ ended
 *   answered ──connectAgent──▶ connecting ──(connect delay)──▶ connected ──(talk time)──▶ ended normal
 *   answered ──abandonCall──▶ abandoning ──(message played)──▶ ended abandoned
 *   any live state ──hangup by the dialer──▶ ended (normal once answered, else no-answer)
 *
 * A customer scripted to hang up some time after answering does so from any answered state.
 * Once ended, the call only waits for its `ended` event to go out; the floor owns that step.
 */
import type { HangupCause } from '../../domain/disposition.ts';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { TelephonyEvent } from '../../ports/telephony.ts';
import type { CallPlan } from './customer-behaviour.ts';
import type { SimulatorConfig } from './simulator-config.ts';

export type CallState = 'dialling' | 'ringing' | 'answered' | 'connecting' | 'connected' | 'abandoning' | 'ended';

/** What a call needs from the floor it runs on. */
export interface CallFloor {
  readonly clock: Clock;
  readonly config: Readonly<SimulatorConfig>;
  emit(event: TelephonyEvent): void;
  /** The call just ended; `fromCommand` when a dialer command ended it (report it later, not now). */
  callEnded(call: SimulatedCall, cause: HangupCause, detail: string, fromCommand: boolean): void;
}

export class SimulatedCall {
  state: CallState = 'dialling';
  answeredAt: number | null = null;
  connectedAt: number | null = null;
  agentCode: string | null = null;
  record = false;
  /** Set when the floor drops the call without reporting it (crash, stop). */
  forgotten = false;
  /** The floor's pending report of the `ended` event. */
  reportTimer: TimerHandle | null = null;
  private progressTimer: TimerHandle | null = null;
  private outcomeTimer: TimerHandle | null = null;
  private customerTimer: TimerHandle | null = null;
  private floorTimer: TimerHandle | null = null;

  constructor(
    readonly callId: string,
    readonly plan: CallPlan,
    private readonly ringTimeoutMs: number,
    private readonly floor: CallFloor,
  ) {}

  get live(): boolean {
    return this.state !== 'ended';
  }

  /** Sets the far end going: ringing, then an answer, a refusal or the ring timeout. */
  dial(): void {
    const { behaviour, ringingDelayMs } = this.plan;
    const timeout = this.ringTimeoutMs;
    let outcomeAt: number;
    let rings: boolean;
    let onOutcome: () => void;
    if (behaviour.kind === 'answer') {
      outcomeAt = behaviour.answerAfterSeconds * 1000;
      rings = true;
      onOutcome = () => this.customerAnswers();
    } else if (behaviour.kind === 'refuse') {
      outcomeAt = behaviour.afterSeconds * 1000;
      rings = behaviour.rings && ringingDelayMs < outcomeAt;
      onOutcome = () => this.end(behaviour.cause, behaviour.detail, false);
    } else {
      outcomeAt = Number.POSITIVE_INFINITY;
      rings = true;
      onOutcome = () => {};
    }
    if (outcomeAt > timeout) {
      rings = true;
      outcomeAt = timeout;
      onOutcome = () => this.end('no-answer', 'ring timeout', false);
    }
    const ringingAt = Math.min(ringingDelayMs, outcomeAt);
    if (rings && ringingAt < Number.POSITIVE_INFINITY) {
      this.progressTimer = this.floor.clock.setTimer(ringingAt, () => {
        this.progressTimer = null;
        if (this.state !== 'dialling') return;
        this.state = 'ringing';
        this.floor.emit({ type: 'ringing', callId: this.callId, at: this.floor.clock.now() });
      });
    }
    if (outcomeAt < Number.POSITIVE_INFINITY) {
      this.outcomeTimer = this.floor.clock.setTimer(outcomeAt, () => {
        this.outcomeTimer = null;
        onOutcome();
      });
    }
  }

  /** Starts bridging with an agent; the caller checked the state is `answered`. */
  connect(agentCode: string, record: boolean): void {
    this.state = 'connecting';
    this.agentCode = agentCode;
    this.record = record;
    this.floorTimer = this.floor.clock.setTimer(this.floor.config.connectDelayMs, () => {
      this.floorTimer = null;
      if (this.state !== 'connecting') return;
      this.state = 'connected';
      const now = this.floor.clock.now();
      this.connectedAt = now;
      this.floor.emit({ type: 'connected', callId: this.callId, agentCode, at: now });
      this.floorTimer = this.floor.clock.setTimer(this.plan.talkSeconds * 1000, () => {
        this.floorTimer = null;
        this.end('normal', 'customer hung up', false);
      });
    });
  }

  /** Plays the abandon message, then hangs up; the caller checked the state is `answered`. */
  abandon(): void {
    this.state = 'abandoning';
    this.customerTimer?.cancel();
    this.customerTimer = null;
    this.floorTimer = this.floor.clock.setTimer(this.floor.config.abandonMessageSeconds * 1000, () => {
      this.floorTimer = null;
      this.end('abandoned', 'abandon message played', false);
    });
  }

  /** The dialer hangs up. */
  hangup(): void {
    this.end(this.answeredAt === null ? 'no-answer' : 'normal', 'hung up by the dialer', true);
  }

  /** The agent's side ends the call (its phone went away). */
  hangupBy(detail: string): void {
    this.end('normal', detail, false);
  }

  /** Stops every timer of the call, including a pending report. */
  cancelTimers(): void {
    this.progressTimer?.cancel();
    this.outcomeTimer?.cancel();
    this.customerTimer?.cancel();
    this.floorTimer?.cancel();
    this.reportTimer?.cancel();
    this.progressTimer = this.outcomeTimer = this.customerTimer = this.floorTimer = this.reportTimer = null;
  }

  private customerAnswers(): void {
    if (this.state !== 'dialling' && this.state !== 'ringing') return;
    this.state = 'answered';
    const now = this.floor.clock.now();
    this.answeredAt = now;
    this.floor.emit({ type: 'answered', callId: this.callId, at: now });
    const behaviour = this.plan.behaviour;
    if (behaviour.kind === 'answer' && behaviour.hangsUpAfterAnswerSeconds !== undefined) {
      this.customerTimer = this.floor.clock.setTimer(behaviour.hangsUpAfterAnswerSeconds * 1000, () => {
        this.customerTimer = null;
        this.end(this.state === 'abandoning' ? 'abandoned' : 'normal', 'customer hung up', false);
      });
    }
  }

  private end(cause: HangupCause, detail: string, fromCommand: boolean): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.progressTimer?.cancel();
    this.outcomeTimer?.cancel();
    this.customerTimer?.cancel();
    this.floorTimer?.cancel();
    this.progressTimer = this.outcomeTimer = this.customerTimer = this.floorTimer = null;
    this.floor.callEnded(this, cause, detail, fromCommand);
  }
}
