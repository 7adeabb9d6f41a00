/**
 * Call dispositions reported to the CRM (decision 3.7, Asterisk CDR semantics) and how a
 * driver's hang-up cause becomes one.
 */

export const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED'] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

/** The `status` of an updateCampaign: a call disposition, or DNC for a contact never dialled. */
export type ReportedStatus = Disposition | 'DNC';

/**
 * Why a customer leg ended, as a telephony driver states it. Drivers translate their own
 * causes (SIP status, Q.850) into this vocabulary; the engine turns it into a disposition
 * together with what it knows (was the customer connected to an agent?).
 */
export type HangupCause =
  | 'normal' // cleared after answer (either side hung up)
  | 'busy'
  | 'no-answer' // rang out, unavailable, rejected, not found, no response
  | 'congestion'
  | 'failed' // the leg could not be placed at all
  | 'abandoned'; // answered, no agent within the hold limit; the driver played the message

export interface LegFacts {
  answered: boolean;
  connectedToAgent: boolean;
  cause: HangupCause;
}

export function dispositionOf(leg: LegFacts): Disposition {
  if (leg.answered) return leg.connectedToAgent ? 'ANSWERED' : 'ABANDONED';
  switch (leg.cause) {
    case 'busy':
      return 'BUSY';
    case 'congestion':
      return 'CONGESTION';
    case 'failed':
      return 'FAILED';
    case 'abandoned':
      return 'ABANDONED';
    default:
      return 'NO ANSWER';
  }
}

/** Decision 3.8: every status but ANSWERED leaves the contact to be tried again. */
export function isRetryable(status: ReportedStatus): boolean {
  return status !== 'ANSWERED' && status !== 'DNC';
}
