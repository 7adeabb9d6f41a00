// The answer rate: of the calls dialled that have an outcome, the share a person picked up.
// Answered means ANSWERED or ABANDONED (the customer picked up; an abandoned call found no agent
// in time), plus the live calls already picked up: a connected call has its outcome even though
// its attempt has not ended. Calls still ringing have no outcome yet and count once they end.
// Without live calls, 3 connected calls after a few unanswered ones read 0.0%.
import type { CampaignView, LiveCallView, MinuteCounts } from './types.ts';

const PICKED_UP = ['ANSWERED', 'ABANDONED'] as const;

export interface AnswerRate {
  answered: number;
  dialled: number;
  /** null while nothing dialled has an outcome. */
  rate: number | null;
}

export function answerRate(campaigns: (Pick<CampaignView, 'campaignid'> & { counts: Pick<CampaignView['counts'], 'attemptsByStatus'> })[], live: Pick<LiveCallView, 'campaignid' | 'answeredAt'>[]): AnswerRate {
  const ids = new Set(campaigns.map((c) => c.campaignid));
  const liveAnswered = live.filter((l) => ids.has(l.campaignid) && l.answeredAt !== null).length;
  let answered = liveAnswered;
  let dialled = liveAnswered;
  for (const c of campaigns) {
    for (const [status, n] of Object.entries(c.counts.attemptsByStatus)) {
      dialled += n ?? 0;
      if ((PICKED_UP as readonly string[]).includes(status)) answered += n ?? 0;
    }
  }
  return { answered, dialled, rate: dialled ? answered / dialled : null };
}

/** The same rule for one minute of ended calls (the chart). */
export function minuteAnswerRate(m: MinuteCounts): number | null {
  if (!m.total) return null;
  return PICKED_UP.reduce((n, s) => n + (m.counts[s] ?? 0), 0) / m.total;
}
