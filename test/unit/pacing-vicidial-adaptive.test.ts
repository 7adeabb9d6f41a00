/**
 * The VICIdial-style adaptive baseline: lines up to level × active agents, the level multiplied
 * every 15 s by 1 + (ready − waiting) / active, clamped to [1, 3], forced to 1 over the drop rate.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_DEFAULT_PROFILE } from '../../src/config/profiles.ts';
import { EngineEvents } from '../../src/engine/engine-events.ts';
import type { GroupSnapshot } from '../../src/engine/pacer.ts';
import { PacingStats } from '../../src/engine/pacing/pacing-stats.ts';
import { VicidialAdaptivePacer } from '../../src/engine/pacing/vicidial-adaptive-pacer.ts';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const profile = { ...BUILTIN_DEFAULT_PROFILE, dialMode: 'predictive' as const };

function floor(now: number, ready: number, talking: number, calls: number, waiting = 0): GroupSnapshot {
  const agents = [
    ...Array.from({ length: ready }, (_, i) => ({ agentCode: `r${i}`, paused: false, activity: 'idle' as const, since: now, autoWrapUpSeconds: 10 })),
    ...Array.from({ length: talking }, (_, i) => ({ agentCode: `t${i}`, paused: false, activity: 'talking' as const, since: now, autoWrapUpSeconds: 10 })),
  ];
  return {
    now,
    group: 'g',
    available: ready,
    loggedIn: agents.length,
    talking,
    wrapUp: 0,
    reserved: 0,
    unconnected: calls - talking,
    waiting,
    campaignIds: [1],
    calls: Array.from({ length: calls }, (_, i) => ({ callId: `c${i}`, campaignId: 1, state: 'ringing' as const, startedAt: now, answeredAt: null, waitingSince: null })),
    agents,
  };
}

describe('VICIdial-style adaptive baseline', () => {
  it('starts at level 1: one line per active agent, counting calls already up (progressive)', () => {
    const pacer = new VicidialAdaptivePacer(new PacingStats());
    expect(pacer.callsToPlace(floor(T0, 10, 0, 0), profile)).toBe(10);
    expect(pacer.callsToPlace(floor(T0, 4, 6, 8), profile)).toBe(2);
  });

  it('raises the level by (ready − waiting) / active every 15 s, up to 3 lines per agent', () => {
    const pacer = new VicidialAdaptivePacer(new PacingStats());
    // Half the agents sit ready for 15 s: the level goes from 1 to 1.5.
    pacer.callsToPlace(floor(T0, 5, 5, 5), profile);
    pacer.callsToPlace(floor(T0 + 15_000, 5, 5, 5), profile);
    expect(pacer.views().get('g')!.level).toBeCloseTo(1.5, 10);
    expect(pacer.callsToPlace(floor(T0 + 15_000, 5, 5, 5), profile)).toBe(10);
    for (let i = 2; i < 10; i++) pacer.callsToPlace(floor(T0 + i * 15_000, 5, 5, 5), profile);
    expect(pacer.views().get('g')!.level).toBe(3);
  });

  it('lowers the level when answered customers wait for agents', () => {
    const pacer = new VicidialAdaptivePacer(new PacingStats());
    for (let i = 0; i < 4; i++) pacer.callsToPlace(floor(T0 + i * 15_000, 10, 0, 0), profile);
    const high = pacer.views().get('g')!.level;
    pacer.callsToPlace(floor(T0 + 60_000, 0, 10, 30, 4), profile);
    pacer.callsToPlace(floor(T0 + 75_000, 0, 10, 30, 4), profile);
    expect(pacer.views().get('g')!.level).toBeCloseTo(Math.max(1, high * (1 - 4 / 10)), 10);
  });

  it('forces the level to 1 while the drop rate since the start exceeds the target', () => {
    const events = new EngineEvents();
    const stats = new PacingStats();
    stats.observe(events);
    const pacer = new VicidialAdaptivePacer(stats);
    pacer.callsToPlace(floor(T0, 10, 0, 0), profile); // assigns campaign 1 to the group
    for (let i = 0; i < 60; i++) {
      const callId = `x${i}`;
      events.emit('call:placed', { callId, campaignId: 1, contactId: i, attemptNo: 1, at: T0 });
      events.emit('call:answered', { callId, campaignId: 1, at: T0 + 5000 });
      if (i < 10) events.emit('call:ended', { callId, campaignId: 1, contactId: i, status: 'ABANDONED', agentCode: null, at: T0 + 10_000, waitedMs: null });
      else events.emit('call:connected', { callId, campaignId: 1, contactId: i, agentCode: 'a', at: T0 + 5000 });
    }
    pacer.callsToPlace(floor(T0 + 15_000, 10, 0, 0), profile);
    const view = pacer.views().get('g')!;
    expect(view.forcedDown).toBe(true);
    expect(view.level).toBe(1);
  });
});
