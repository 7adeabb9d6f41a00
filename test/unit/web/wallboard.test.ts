/**
 * The wallboard's data: the snapshot carries agent codes and campaign figures but never a
 * customer's number, counts only scheduled callbacks of active campaigns (due now, due within
 * the hour), and reaches every screen on a floor change and every 2 s; revoking a link ends its
 * screens (after a `revoked` event) and leaves the others; a link revoked elsewhere ends its
 * screens at the next 2 s pass. The TV's figures: answer rate as on the dashboard, abandon rate
 * against the lowest target. A kiosk token in a logged URL is hidden.
 */
import { describe, expect, it } from 'vitest';
import { createOperatorViews } from '../../../src/application/operator-views.ts';
import type { KioskLinkRecords } from '../../../src/auth/kiosk-links.ts';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { EngineEvents } from '../../../src/engine/engine-events.ts';
import type { Engine } from '../../../src/engine/engine.ts';
import { redactUrl } from '../../../src/observability/redact-url.ts';
import type { CallbackStore, ScheduledCallback } from '../../../src/ports/callback-store.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { Store } from '../../../src/ports/store.ts';
import { createWallboard, wallboardSnapshot } from '../../../src/web/wallboard.ts';
import { wallboardFigures, type WallboardSnapshot } from '../../../web/src/wallboard/wallboard-data.ts';

const T0 = Date.UTC(2026, 11, 1, 2, 0, 0);
const NUMBER = '0912345678';

function floor() {
  const clock = new VirtualClock(T0);
  const events = new EngineEvents();
  const campaign = { id: 7, typeId: null, state: 'running', finishStatus: null, startsAt: T0 - 3600_000, endsAt: T0 + 3600_000, receivedAt: T0 - 3600_000, startedAt: T0 - 3600_000, stoppedAt: null, finishedAt: null, extra: null };
  const store = {
    listCampaigns: async () => [campaign],
    countCampaign: async () => ({ contactTotal: 10, contactsFinal: 4, contactsPending: 6, contactsDialing: 1, contactsAnswered: 3, contactsDnc: 0, attempts: 6, attemptsByStatus: { ANSWERED: 3, ABANDONED: 1, 'NO ANSWER': 2 } }),
    outboxStats: async () => ({ pending: 5, dead: 1, delivered: 9, oldestPendingAt: T0 - 30_000 }),
  } as unknown as Store;
  const live = { callId: 'ccs-7-1-1', campaignId: 7, contactId: 1, attemptNo: 1, phoneNumber: NUMBER, dialNumber: NUMBER, subscriber: NUMBER, group: 'default', state: 'connected', startedAt: T0 - 20_000, ringingAt: T0 - 19_000, answeredAt: T0 - 15_000, connectedAt: T0 - 15_000, agentCode: 'Agent/9001', stationId: '9001', waitingSince: null, hangupRequested: false };
  const agent = { agentCode: 'Agent/9001', stationId: '9001', group: 'default', shift: { state: 'talking' }, online: true, paused: false, pauseReason: null, activity: 'talking', since: T0 - 15_000, callId: 'ccs-7-1-1', autoWrapUpSeconds: null, callsTaken: 3 };
  const engine = { events, agents: () => [agent], liveCalls: () => [live] } as unknown as Engine;
  const callback = (campaignId: number, dueAt: number, state = 'scheduled') => ({ callId: `c-${dueAt}`, campaignId, contactId: 1, dueAt, agentCode: null, personalUntil: null, createdBy: 'Agent/9001', createdAt: T0 - 1, note: null, state, dialledCallId: null, dialledAt: null, phoneNumber: NUMBER, campaignState: 'running', campaignEndsAt: T0 + 3600_000 }) as ScheduledCallback;
  const callbacks = {
    listScheduledCallbacks: async () => [callback(7, T0 - 60_000), callback(7, T0), callback(7, T0 + 600_000), callback(7, T0 + 7200_000), callback(7, T0 - 1, 'dialled'), callback(99, T0 - 1)],
  } as unknown as CallbackStore;
  const views = createOperatorViews({ store, timeZone: 'Asia/Ho_Chi_Minh', now: () => clock.now(), profileOf: () => ({ name: 'p', dialMode: 'predictive', powerRatio: 1, abandonTarget: 0.03, agentGroup: 'default', purpose: 'sales', ruleSet: 'none' }) as any, liveCalls: () => [live as any], recordingUrl: () => '' });
  return { clock, events, store, engine, views, callbacks };
}

const sink = () => {
  const s = { text: '', closed: false, write: (t: string) => ((s.text += t), true), close: () => void (s.closed = true) };
  return s;
};

describe('wallboard snapshot', () => {
  it('carries agent codes and campaign figures, never a customer number; callbacks due now and within the hour of active campaigns only', async () => {
    const f = floor();
    const snapshot = await wallboardSnapshot(f);
    expect(JSON.stringify(snapshot)).not.toContain(NUMBER);
    expect(JSON.stringify(snapshot)).not.toContain('912345678');
    expect(snapshot.agents).toEqual([{ agentcode: 'Agent/9001', group: 'default', state: 'talking', secondsInState: 15 }]);
    expect(snapshot.calls).toEqual([{ campaignid: 7, state: 'connected', agentcode: 'Agent/9001', answeredAt: expect.any(String), seconds: 20 }]);
    expect(snapshot.campaigns[0]).toMatchObject({ campaignid: 7, abandonTarget: 0.03 });
    expect(snapshot.callbacks).toEqual({ due: 2, nextHour: 1 });
    expect(snapshot.crm).toEqual({ pending: 5, dead: 1, oldestPendingAgeSeconds: 30 });
  });

  it('reaches every screen on a floor change and every 2 s; a revoked link ends only its screens, told first; the screen of a supervisor who signed out ends', async () => {
    const f = floor();
    let active = [1, 2];
    const links = { activeIds: async () => active } as unknown as KioskLinkRecords;
    const board = createWallboard({ ...f, links, logger: silentLogger });
    board.attach();
    const tv1 = sink();
    const tv2 = sink();
    const boss = sink();
    const gone = sink();
    let signedIn = true;
    board.add(1, tv1);
    board.add(2, tv2);
    board.add(null, boss);
    board.add(null, gone, () => signedIn);
    await f.clock.advanceBy(0);
    for (const s of [tv1, tv2, boss]) expect(s.text).toContain('"type":"wallboard"');

    tv1.text = '';
    f.events.emit('agent:state', { agentCode: 'Agent/9001', activity: 'idle', at: T0 } as any);
    await f.clock.advanceBy(500);
    expect(tv1.text).toContain('"type":"wallboard"');

    board.revoked(1);
    expect(tv1.text).toContain('event: revoked');
    expect(tv1.closed).toBe(true);
    expect(board.screensOf(1)).toBe(0);
    expect(tv2.closed).toBe(false);

    // Revoked elsewhere (another process), or the supervisor signed out: the next 2 s pass ends it.
    active = [];
    signedIn = false;
    await f.clock.advanceBy(2000);
    expect(tv2.text).toContain('event: revoked');
    expect(tv2.closed).toBe(true);
    expect(gone.closed).toBe(true);
    expect(boss.closed).toBe(false);
    board.close();
    expect(boss.closed).toBe(true);
  });
});

describe('wallboard figures (TV)', () => {
  const snapshot = (campaigns: WallboardSnapshot['campaigns'], calls: WallboardSnapshot['calls'] = []): WallboardSnapshot => ({
    at: T0,
    agents: [
      { agentcode: 'A1', group: 'g', state: 'ready', secondsInState: 1 },
      { agentcode: 'A2', group: 'g', state: 'reserved', secondsInState: 1 },
      { agentcode: 'A3', group: 'g', state: 'talking', secondsInState: 1 },
      { agentcode: 'A4', group: 'g', state: 'offline', secondsInState: 1 },
    ],
    calls,
    campaigns,
    callbacks: null,
    crm: { pending: 0, dead: 0, oldestPendingAgeSeconds: null },
  });
  const campaign = (id: number, attemptsByStatus: Record<string, number>, abandonTarget: number | null) => ({ campaignid: id, state: 'running', abandonTarget, counts: { contactTotal: 1, contactsFinal: 0, attemptsByStatus } });

  it('abandon rate is abandoned over picked up, compared with the lowest target; over it is flagged', () => {
    const f = wallboardFigures(snapshot([campaign(1, { ANSWERED: 18, ABANDONED: 1 }, 0.05), campaign(2, { ANSWERED: 0, ABANDONED: 1, 'NO ANSWER': 5 }, 0.03)]));
    expect(f.abandonRate).toBeCloseTo(2 / 20);
    expect(f.abandonCap).toBe(0.03);
    expect(f.overCap).toBe(true);
    expect(wallboardFigures(snapshot([campaign(1, { ANSWERED: 99, ABANDONED: 1 }, 0.03)])).overCap).toBe(false);
    expect(wallboardFigures(snapshot([])).abandonRate).toBeNull();
  });

  it('answer rate counts connected calls as on the dashboard; agents connecting count as talking; offline agents are not online', () => {
    const f = wallboardFigures(snapshot([campaign(1, { 'NO ANSWER': 1 }, null)], [{ campaignid: 1, state: 'connected', agentcode: 'A3', answeredAt: '2026-12-01 09:00:00', seconds: 3 }, { campaignid: 1, state: 'ringing', agentcode: null, answeredAt: null, seconds: 1 }]));
    expect(f.answerRate).toBe(0.5);
    expect(f.agentsOnline).toBe(3);
    expect(f.agentsBy).toEqual({ ready: 1, talking: 2, 'wrap-up': 0, paused: 0 });
    expect(f.calls).toEqual({ total: 2, ringing: 1, talking: 1, waiting: 0 });
    expect(f.abandonCap).toBeNull();
  });
});

describe('kiosk token in logged URLs', () => {
  it('is hidden, other parameters kept', () => {
    expect(redactUrl('/wallboard?k=abcDEF_123-xyz&lang=en')).toBe('/wallboard?k=***&lang=en');
    expect(redactUrl('/ui/wallboard/events?lang=vi&k=abc')).toBe('/ui/wallboard/events?lang=vi&k=***');
    expect(redactUrl('/x?kk=1')).toBe('/x?kk=1');
  });
});
