import { describe, expect, it } from 'vitest';
import { answerRate, minuteAnswerRate } from '../../../web/src/supervisor/answer-rate.ts';
import type { CampaignView } from '../../../web/src/supervisor/types.ts';

const campaign = (id: number, attemptsByStatus: Record<string, number>) => ({ campaignid: id, counts: { attemptsByStatus } }) as unknown as CampaignView;
const live = (campaignid: number, answeredAt: string | null) => ({ campaignid, answeredAt });

describe('answer rate (dashboard)', () => {
  it('counts calls answered right now: 1 no-answer and 3 connected is 75%, not 0%', () => {
    const rate = answerRate([campaign(1, { 'NO ANSWER': 1 })], [1, 2, 3].map(() => live(1, '2026-12-01 09:00:00')));
    expect(rate).toEqual({ answered: 3, dialled: 4, rate: 0.75 });
  });

  it('leaves out calls still ringing (no outcome yet) and calls of campaigns not shown', () => {
    expect(answerRate([campaign(1, { BUSY: 1 })], [live(1, null), live(2, '2026-12-01 09:00:00')])).toEqual({ answered: 0, dialled: 1, rate: 0 });
  });

  it('an abandoned call was picked up by the customer: it counts as answered', () => {
    expect(answerRate([campaign(1, { ANSWERED: 2, ABANDONED: 1, 'NO ANSWER': 1 })], []).rate).toBe(0.75);
  });

  it('is unknown (null) while nothing dialled has an outcome', () => {
    expect(answerRate([campaign(1, {})], [live(1, null)]).rate).toBeNull();
  });

  it('the per-minute chart uses the same rule on the calls ended in that minute', () => {
    expect(minuteAnswerRate({ at: 0, counts: { ANSWERED: 1, ABANDONED: 1, BUSY: 2 }, total: 4 })).toBe(0.5);
    expect(minuteAnswerRate({ at: 0, counts: {}, total: 0 })).toBeNull();
  });
});
