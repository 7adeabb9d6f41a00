/**
 * The live statistics predictive pacing feeds on, from synthetic engine events: answer rate in
 * placement order, durations over a sliding window, talk times corrected for talks still
 * running, and abandon tallies per campaign over the campaign and a rolling window.
 */
import { describe, expect, it } from 'vitest';
import { EngineEvents } from '../../src/engine/engine-events.ts';
import { AbandonCounts } from '../../src/engine/pacing/abandon-counts.ts';
import { DurationWindow } from '../../src/engine/pacing/duration-window.ts';
import { PacingStats } from '../../src/engine/pacing/pacing-stats.ts';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const S = 1000;

function floor() {
  const events = new EngineEvents();
  const stats = new PacingStats();
  stats.observe(events);
  stats.assign(1, 'sales');
  let n = 0;
  const place = (at: number, campaignId = 1) => {
    const callId = `c${++n}`;
    events.emit('call:placed', { callId, campaignId, contactId: n, attemptNo: 1, at });
    return callId;
  };
  const answer = (callId: string, at: number, campaignId = 1) => events.emit('call:answered', { callId, campaignId, at });
  const end = (callId: string, at: number, status: 'NO ANSWER' | 'ANSWERED' | 'ABANDONED', agentCode: string | null = null, campaignId = 1) =>
    events.emit('call:ended', { callId, campaignId, contactId: 0, status, agentCode, at, waitedMs: null });
  const connect = (callId: string, at: number, agentCode = 'Agent/1', campaignId = 1) => events.emit('call:connected', { callId, campaignId, contactId: 0, agentCode, at });
  return { events, stats, place, answer, end, connect };
}

describe('pacing statistics', () => {
  it('takes call outcomes in the order calls were placed, so a burst answered early does not inflate the answer rate', () => {
    const f = floor();
    const ids = Array.from({ length: 10 }, () => f.place(T0));
    f.answer(ids[3]!, T0 + 5 * S);
    f.answer(ids[7]!, T0 + 6 * S);
    // Answers are known, but calls placed before them are still ringing: nothing is taken in yet.
    expect(f.stats.group('sales').resolved).toBe(0);
    for (const [i, id] of ids.entries()) if (i !== 3 && i !== 7) f.end(id, T0 + 25 * S, 'NO ANSWER');
    const g = f.stats.group('sales');
    expect(g.resolved).toBe(10);
    expect(g.answerProbability()).toBeCloseTo(0.2, 12);
    expect(g.answerTime.mean()).toBeCloseTo(5.5, 12);
    expect(g.unansweredTime.mean()).toBeCloseTo(25, 12);
  });

  it('measures talk time from connection to end, and wrap-up from the agent leaving wrap-up', () => {
    const f = floor();
    const id = f.place(T0);
    f.answer(id, T0 + 4 * S);
    f.connect(id, T0 + 4 * S, 'Agent/7');
    f.events.emit('agent:state', { agentCode: 'Agent/7', activity: 'talking', at: T0 + 4 * S });
    f.end(id, T0 + 64 * S, 'ANSWERED', 'Agent/7');
    f.events.emit('agent:state', { agentCode: 'Agent/7', activity: 'wrap-up', at: T0 + 64 * S });
    f.events.emit('agent:state', { agentCode: 'Agent/7', activity: 'idle', at: T0 + 76 * S });
    const g = f.stats.group('sales');
    expect(g.talkTime.count).toBe(1);
    expect(g.talkTime.mean()).toBeCloseTo(60, 12);
    expect(g.wrapUpTime.mean()).toBeCloseTo(12, 12);
  });

  it('tallies abandons per campaign, as abandoned over answered (connected or abandoned)', () => {
    const f = floor();
    f.stats.assign(2, 'sales');
    for (let i = 0; i < 3; i++) {
      const id = f.place(T0 + i * S);
      f.answer(id, T0 + (i + 5) * S);
      if (i === 0) f.end(id, T0 + 10 * S, 'ABANDONED');
      else f.connect(id, T0 + (i + 5) * S);
    }
    const other = f.place(T0, 2);
    f.answer(other, T0 + 5 * S, 2);
    f.connect(other, T0 + 5 * S, 'Agent/2', 2);
    expect(f.stats.campaign(1).total).toEqual({ answered: 3, abandoned: 1 });
    expect(f.stats.campaign(2).total).toEqual({ answered: 1, abandoned: 0 });
    expect(f.stats.group('sales').abandoned).toBe(1);
  });

  it('forgets abandons older than the rolling window but keeps them in the campaign total', () => {
    const counts = new AbandonCounts(60 * 60 * S);
    counts.abandoned(T0);
    counts.connected(T0 + 10 * S);
    expect(counts.window(T0 + 30 * 60 * S)).toEqual({ answered: 2, abandoned: 1 });
    counts.connected(T0 + 90 * 60 * S);
    expect(counts.window(T0 + 90 * 60 * S)).toEqual({ answered: 1, abandoned: 0 });
    expect(counts.total).toEqual({ answered: 3, abandoned: 1 });
  });
});

describe('duration window', () => {
  it('keeps the most recent samples only', () => {
    const w = new DurationWindow(4, 1, 100);
    for (const v of [50, 50, 50, 50, 10, 10, 10, 10]) w.add(v);
    expect(w.count).toBe(4);
    expect(w.mean()).toBe(10);
    expect(w.cdf(20)).toBe(1);
  });

  it('interpolates the distribution inside a bin and gives quantiles', () => {
    const w = new DurationWindow(100, 1, 100);
    for (let i = 0; i < 100; i++) w.add(4 + (11 * i) / 100); // uniform over [4, 15)
    expect(w.cdf(4)).toBeCloseTo(0, 2);
    expect(w.cdf(9.5)).toBeCloseTo(0.5, 1);
    expect(w.cdf(15)).toBe(1);
    expect(w.quantile(0.5)).toBeCloseTo(9.5, 0);
  });

  it('takes running durations into account: completed short talks alone would say everyone is done by now', () => {
    const w = new DurationWindow(100, 1, 1000);
    for (let i = 0; i < 20; i++) w.add(10);
    // 20 talks ended after 10 s; 20 more are still running after 100 s.
    const corrected = w.withRunning(new Array(20).fill(100), 300);
    expect(w.cdf(50)).toBe(1);
    expect(corrected.cdf(50)).toBeCloseTo(0.5, 6);
    expect(corrected.cdf(5)).toBe(0);
  });
});
