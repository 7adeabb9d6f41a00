/**
 * What an ended attempt means for its contact (decision 3.8): answered contacts are final;
 * unreached ones are retried after the profile's delay until their attempts run out.
 * A retry that would fall after the campaign's `endtime` is still scheduled: the contact stays
 * pending and the campaign ends as `expired`, as the contract defines.
 */
import type { ContactOutcome, ContactState } from './campaign.ts';
import { isRetryable, type ReportedStatus } from './disposition.ts';
import type { RetryRule } from './profile.ts';

export interface ContactAfterAttempt {
  state: Exclude<ContactState, 'dialing'>;
  outcome: ContactOutcome | null;
  nextAttemptAt: number | null;
  waitReason: string | null;
}

export function contactAfterAttempt(status: ReportedStatus, attemptsMade: number, retry: RetryRule, endedAt: number): ContactAfterAttempt {
  if (status === 'DNC') return { state: 'final', outcome: 'dnc', nextAttemptAt: null, waitReason: null };
  if (!isRetryable(status)) return { state: 'final', outcome: 'answered', nextAttemptAt: null, waitReason: null };
  if (attemptsMade >= retry.maxAttempts) return { state: 'final', outcome: 'exhausted', nextAttemptAt: null, waitReason: null };
  return { state: 'pending', outcome: null, nextAttemptAt: endedAt + retry.delaySeconds * 1000, waitReason: 'retry-delay' };
}
