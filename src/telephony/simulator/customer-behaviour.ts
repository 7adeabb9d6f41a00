/**
 * What the customer at the far end of a simulated call does, and how it is decided.
 *
 * Every call draws the same seven random numbers at `placeCall`, in a fixed order, whatever
 * its outcome or script: the n-th call of a run therefore behaves the same however the calls
 * before it went and whenever its events fire. A script (per number) may then replace the
 * drawn behaviour; a scripted answer without a talk time keeps the drawn one.
 */
import type { HangupCause } from '../../domain/disposition.ts';
import { bernoulli, lognormal, uniform, type Random } from './random.ts';
import type { SimulatorConfig } from './simulator-config.ts';

export type CustomerBehaviour =
  /**
   * Rings, picks up after `answerAfterSeconds`; once bridged talks for `talkSeconds` (drawn
   * when absent) and hangs up. With `hangsUpAfterAnswerSeconds` the customer hangs up that
   * long after answering whatever else happens.
   */
  | { kind: 'answer'; answerAfterSeconds: number; talkSeconds?: number; hangsUpAfterAnswerSeconds?: number }
  /** Rings until the ring timeout or until the dialer hangs up. */
  | { kind: 'ring' }
  /** The far end or the network ends the call after `afterSeconds`, ringing first or not. */
  | { kind: 'refuse'; cause: Exclude<HangupCause, 'normal' | 'abandoned'>; afterSeconds: number; rings: boolean; detail: string };

/** Everything decided about one call when it is placed. */
export interface CallPlan {
  /** The leg is refused by `placeCall` itself. */
  failPlace: boolean;
  behaviour: CustomerBehaviour;
  ringingDelayMs: number;
  /** Conversation length once bridged. */
  talkSeconds: number;
  /** Seeds the generated recording. */
  audioSeed: number;
}

export function drawCallPlan(config: Readonly<SimulatorConfig>, random: Random, number: string): CallPlan {
  const uFailPlace = random.next();
  const uOutcome = random.next();
  const uRing = random.next();
  const uRingingDelay = random.next();
  const uTalk1 = random.next();
  const uTalk2 = random.next();
  const audioSeed = random.nextUint32();

  const ringSeconds = uniform(uRing, config.ringSeconds.min, config.ringSeconds.max);
  const talk = config.talkSeconds;
  const talkSeconds =
    talk.kind === 'uniform' ? uniform(uTalk1, talk.min, talk.max) : lognormal(uTalk1, uTalk2, talk.mean, talk.sigma);
  const behaviour = config.script?.(number) ?? drawnBehaviour(config, uOutcome, ringSeconds);
  return {
    failPlace: bernoulli(uFailPlace, config.failPlaceRate),
    behaviour,
    ringingDelayMs: uniform(uRingingDelay, config.ringingDelayMs.min, config.ringingDelayMs.max),
    talkSeconds: behaviour.kind === 'answer' && behaviour.talkSeconds !== undefined ? behaviour.talkSeconds : talkSeconds,
    audioSeed,
  };
}

function drawnBehaviour(config: Readonly<SimulatorConfig>, u: number, ringSeconds: number): CustomerBehaviour {
  let threshold = config.answerRate;
  if (u < threshold) return { kind: 'answer', answerAfterSeconds: ringSeconds };
  threshold += config.busyRate;
  if (u < threshold) return { kind: 'refuse', cause: 'busy', afterSeconds: ringSeconds, rings: true, detail: 'SIP 486 Busy Here' };
  threshold += config.congestionRate;
  if (u < threshold) {
    return { kind: 'refuse', cause: 'congestion', afterSeconds: ringSeconds, rings: false, detail: 'SIP 503 Service Unavailable' };
  }
  threshold += config.failRate;
  if (u < threshold) return { kind: 'refuse', cause: 'failed', afterSeconds: ringSeconds, rings: false, detail: 'channel unavailable' };
  return { kind: 'ring' };
}

const IMMEDIATE = 0.05;

/**
 * The SIPp carrier of the Asterisk fixtures, by the last digit of the number: 1 busy,
 * 2 rings forever, 3 congestion, 4 unavailable, 5 answers after 1 s and hangs up 3 s after
 * answering, 6 not found, 7 declined (4, 6 and 7 end as no-answer), anything else answers
 * after 2 s and talks for the drawn talk time or until hung up.
 */
export function lastDigitScript(number: string): CustomerBehaviour {
  switch (number.at(-1)) {
    case '1':
      return { kind: 'refuse', cause: 'busy', afterSeconds: IMMEDIATE, rings: false, detail: 'SIP 486 Busy Here' };
    case '2':
      return { kind: 'ring' };
    case '3':
      return { kind: 'refuse', cause: 'congestion', afterSeconds: IMMEDIATE, rings: false, detail: 'SIP 503 Service Unavailable' };
    case '4':
      return { kind: 'refuse', cause: 'no-answer', afterSeconds: IMMEDIATE, rings: false, detail: 'SIP 480 Temporarily Unavailable' };
    case '5':
      return { kind: 'answer', answerAfterSeconds: 1, hangsUpAfterAnswerSeconds: 3 };
    case '6':
      return { kind: 'refuse', cause: 'no-answer', afterSeconds: IMMEDIATE, rings: false, detail: 'SIP 404 Not Found' };
    case '7':
      return { kind: 'refuse', cause: 'no-answer', afterSeconds: IMMEDIATE, rings: false, detail: 'SIP 603 Decline' };
    default:
      return { kind: 'answer', answerAfterSeconds: 2 };
  }
}
