/**
 * How a customer leg's end in Asterisk becomes the port's HangupCause. Channels made with
 * `channels/create` + `dial` get no CDR and, when they fail, no final `Dial` status (see
 * test/fixtures/asterisk/README.md, surprise 2), so the Q.850 cause of `ChannelDestroyed` decides, matching
 * what Asterisk's own CDR gives the same failures through originate:
 *
 *   answered (Dial ANSWER / state Up) ........ normal       (whatever the clearing cause)
 *   17 User busy ............................. busy         (SIP 486)
 *   34 Circuit/channel congestion ............ congestion   (SIP 503, transport errors)
 *   38, 41, 42 network out of order/temporary failure/switching congestion → congestion
 *   3 No route, 20 Subscriber absent, 27 Destination out of order → failed (CDR CHANUNAVAIL)
 *   19, 18, 1, 21, 16 without answer, others . no-answer    (480/487, 408, 404, 603, timeout)
 *
 * A final `Dial` status, when Asterisk sends one, is used only when the cause says nothing
 * (0). HTTP 500 on create never gets here: `placeCall` rejects and the engine reports FAILED.
 */
import type { HangupCause } from '../../domain/disposition.ts';

export interface LegEnd {
  answered: boolean;
  /** `ChannelDestroyed.cause` (Q.850). */
  cause: number;
  causeText?: string;
  /** `ChannelDestroyed.tech_cause`: the SIP status, new in Asterisk 22. */
  techCause?: number;
  /** Last non-progress `Dial` status seen for the leg (`BUSY`, `NOANSWER`...), if any. */
  dialStatus?: string;
}

const BY_Q850: Record<number, HangupCause> = {
  17: 'busy',
  34: 'congestion',
  38: 'congestion',
  41: 'congestion',
  42: 'congestion',
  3: 'failed',
  20: 'failed',
  27: 'failed',
};

const BY_DIALSTATUS: Record<string, HangupCause> = {
  BUSY: 'busy',
  CONGESTION: 'congestion',
  CHANUNAVAIL: 'failed',
  NOANSWER: 'no-answer',
  CANCEL: 'no-answer',
};

export function hangupCauseOf(end: LegEnd): HangupCause {
  if (end.answered) return 'normal';
  const byCause = BY_Q850[end.cause];
  if (byCause) return byCause;
  if (end.cause === 0 && end.dialStatus) return BY_DIALSTATUS[end.dialStatus] ?? 'no-answer';
  return 'no-answer';
}

/** The driver's own words for the logs and the `ended.detail`: `Q.850 17 User busy; SIP 486`. */
export function describeLegEnd(end: LegEnd): string {
  const parts = [`Q.850 ${end.cause}${end.causeText ? ` ${end.causeText}` : ''}`];
  if (end.techCause !== undefined && end.techCause !== null) parts.push(`SIP ${end.techCause}`);
  if (end.dialStatus) parts.push(`dial ${end.dialStatus}`);
  return parts.join('; ');
}
