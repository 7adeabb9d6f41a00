/**
 * How the dialer shares the floor, in virtual time: campaigns sharing agents get a comparable
 * share of calls; a subscriber is never on two calls at once (also across campaigns and
 * across the 0… / +84… / 84… forms of one number); the caps on concurrent calls and on new
 * calls per second hold; an agent gets no new customer during wrap-up.
 * The cheap cases run on SQLite and PostgreSQL, the longer runs on SQLite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  contactsFor,
  HOUR,
  MINUTE,
  phoneNumbers,
  ringsForever,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessDialect,
  type HarnessOptions,
} from '../support/engine-harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
const start = async (dialect: HarnessDialect, options: Omit<HarnessOptions, 'dialect'> = {}) => (h = await startEngineHarness({ dialect, ...options }));

describe.each(DIALECTS)('one number, one call at a time, on %s', (dialect) => {
  it('never calls one subscriber twice at once, within a campaign and across campaigns, whatever the number format', async () => {
    const h = await start(dialect, { sim: { agents: 6 }, fallback: answers(5, 120) });
    const contacts = [
      { id: 1, phone: '0912000100' },
      { id: 2, phone: '0912000100' },
      { id: 3, phone: '0912000200' },
    ];
    await h.sendCampaign({ id: 30, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts });
    await h.sendCampaign({ id: 31, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: [{ id: 1, phone: '+84912000100' }, { id: 2, phone: '84 912 000 200' }] });
    expect(await h.runUntilFinished(30, 2 * HOUR)).toBe(true);
    expect(await h.runUntilFinished(31, 2 * HOUR)).toBe(true);

    expect(h.peaks.perSubscriber).toBe(1);
    expect(h.placed.length).toBe(5); // everyone was called in the end
    // Calls to one subscriber follow each other: each starts after the previous one ended.
    const ends = new Map(h.events.filter((e) => e.type === 'ended').map((e) => [e.callId, e.at]));
    const bySubscriber = new Map<string, { at: number; callId: string }[]>();
    for (const p of h.placed) {
      const key = p.request.number.replace(/\D/g, '').replace(/^84/, '0');
      bySubscriber.set(key, [...(bySubscriber.get(key) ?? []), { at: p.at, callId: p.request.callId }]);
    }
    expect([...bySubscriber.values()].map((l) => l.length).sort()).toEqual([2, 3]);
    for (const calls of bySubscriber.values()) {
      for (let i = 1; i < calls.length; i++) expect(calls[i]!.at).toBeGreaterThanOrEqual(ends.get(calls[i - 1]!.callId)!);
    }
  });
});

describe('sharing agents between campaigns (SQLite)', () => {
  it('gives two campaigns on the same agents a comparable share of calls', async () => {
    const h = await start('sqlite', { sim: { agents: 4, wrapUpSeconds: 5 }, fallback: answers(5, 60) });
    await h.sendCampaign({ id: 32, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(150, 1000)) });
    await h.clock.advanceBy(10 * MINUTE); // the first campaign has the floor to itself for a while
    const joinAt = h.clock.now();
    await h.sendCampaign({ id: 33, startsAt: joinAt, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(150, 2000)) });
    await h.clock.advanceBy(40 * MINUTE);

    const since = h.placed.filter((p) => p.at >= joinAt);
    const a = since.filter((p) => p.request.tags.campaignId === 32).length;
    const b = since.filter((p) => p.request.tags.campaignId === 33).length;
    expect(a + b).toBeGreaterThan(80);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.max(2, 0.1 * (a + b)));
  });
});

describe('caps (SQLite)', () => {
  it('keeps no more calls up than the concurrent-call cap, however many agents are free', async () => {
    const h = await start('sqlite', { sim: { agents: 10 }, fallback: answers(10, 60), settings: { maxConcurrentCalls: 3 } });
    await h.sendCampaign({ id: 34, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(20)) });
    expect(await h.runUntilFinished(34, 2 * HOUR)).toBe(true);
    expect(h.peaks.live).toBe(3);
    expect(h.placed.length).toBe(20);
  });

  it("keeps a profile's calls within its trunk channel limit without spending attempts on refusals", async () => {
    const h = await start('sqlite', { sim: { agents: 10 }, fallback: answers(10, 60), defaultProfile: { maxChannels: 2 } });
    await h.sendCampaign({ id: 36, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(12)) });
    expect(await h.runUntilFinished(36, 2 * HOUR)).toBe(true);
    expect(h.peaks.live).toBe(2);
    expect(h.placed.length).toBe(12);
  });

  it('places no more new calls than the calls-per-second cap allows', async () => {
    const perSecond = 2;
    const h = await start('sqlite', { sim: { agents: 30 }, fallback: ringsForever, settings: { maxCallsPerSecond: perSecond }, defaultProfile: { ringTimeoutSeconds: 60 } });
    await h.sendCampaign({ id: 35, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(60)) });
    await h.clock.advanceBy(2 * MINUTE);
    expect(h.placed.length).toBeGreaterThanOrEqual(30);
    // A token bucket of one second's worth: in any window of w seconds at most perSecond·(w + 1) calls.
    const times = h.placed.map((p) => p.at);
    for (const w of [1, 5, 10]) {
      for (const t of times) {
        const inWindow = times.filter((x) => x >= t && x < t + w * SECOND).length;
        expect(inWindow).toBeLessThanOrEqual(perSecond * (w + 1));
      }
    }
    expect(times.filter((x) => x === T0).length).toBeLessThanOrEqual(perSecond);
  });
});

describe('wrap-up (SQLite)', () => {
  it('gives an unattended agent no new customer before its wrap-up time has passed', async () => {
    const h = await start('sqlite', { sim: { agents: 1, wrapUpSeconds: 30 }, fallback: answers(2, 20) });
    await h.sendCampaign({ id: 36, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(3)) });
    expect(await h.runUntilFinished(36, HOUR, 10 * SECOND)).toBe(true);
    const ends = h.events.filter((e) => e.type === 'ended').map((e) => e.at);
    expect(h.placed.length).toBe(3);
    for (let i = 1; i < h.placed.length; i++) {
      expect(h.placed[i]!.at).toBeGreaterThanOrEqual(ends[i - 1]! + 30 * SECOND);
      expect(h.placed[i]!.at).toBeLessThan(ends[i - 1]! + 31 * SECOND);
    }
  });

  it('keeps a desktop agent in wrap-up until they press ready, or until the maximum wrap-up time', async () => {
    const h = await start('sqlite', { sim: { agents: 0 }, fallback: answers(2, 20), settings: { maxWrapUpSeconds: 300 } });
    await h.engine.signInAgent({ agentCode: 'Agent/7001', stationId: '7001' });
    await h.clock.advanceBy(0);
    await h.sendCampaign({ id: 37, startsAt: h.clock.now(), endsAt: T0 + 2 * HOUR, contacts: contactsFor(phoneNumbers(3)) });
    await h.clock.advanceBy(2 * MINUTE);
    expect(h.placed.length).toBe(1);
    expect(h.engine.agents().find((a) => a.agentCode === 'Agent/7001')?.activity).toBe('wrap-up');

    expect(h.engine.readyAgent('Agent/7001')).toEqual({ ok: true });
    const readyAt = h.clock.now();
    await h.clock.advanceBy(SECOND);
    expect(h.placed.length).toBe(2);
    expect(h.placed[1]!.at).toBe(readyAt);

    // No button this time: back in service after maxWrapUpSeconds.
    await h.clock.advanceBy(MINUTE);
    const secondEnd = h.events.filter((e) => e.type === 'ended')[1]!.at;
    await h.clock.advanceTo(secondEnd + 300 * SECOND - 1);
    expect(h.placed.length).toBe(2);
    await h.clock.advanceBy(SECOND);
    expect(h.placed.length).toBe(3);
    expect(h.placed[2]!.at).toBe(secondEnd + 300 * SECOND);
    await h.clock.advanceBy(10 * SECOND);
    const agent = h.engine.agents().find((a) => a.agentCode === 'Agent/7001');
    expect(agent?.callsTaken).toBe(3);
  });
});

describe('connecting answered customers to agents (SQLite)', () => {
  it('never offers a free agent a waiting customer who has already hung up, even before that call is written', async () => {
    let release: () => void = () => {};
    const slowWrite = new Promise<void>((resolve) => (release = resolve));
    const [first, leaver, third] = phoneNumbers(3);
    const h = await start('sqlite', {
      sim: { agents: 1, wrapUpSeconds: 2 },
      numbers: {
        [first!]: answers(5, 3), // gets the agent at 5 s, hangs up at 8 s; the agent is free at 10 s
        [leaver!]: { kind: 'answer', answerAfterSeconds: 5, hangsUpAfterAnswerSeconds: 4 }, // waits, leaves at 9 s
        [third!]: answers(5, 3),
      },
      settings: { abandonHoldSeconds: 30 },
      defaultProfile: { dialMode: 'power', powerRatio: 2, retry: { maxAttempts: 1, delaySeconds: 60 } },
      // The leaver's end is slow to write (a busy database): it is still being written when the agent frees up.
      storeDelay: (method, args) => (method === 'endAttempt' && (args[0] as { callId: string }).callId === attemptCallId(38, 2, 1) ? slowWrite : null),
    });
    await h.sendCampaign({ id: 38, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([first!, leaver!, third!]) });
    await h.clock.advanceBy(12 * SECOND);
    release();
    expect(await h.runUntilFinished(38, HOUR, 10 * SECOND)).toBe(true);

    const updates = await h.updates(38);
    expect(updates.map((u) => [u.contact_id, u.status, u.agentcode])).toEqual([
      [1, 'ANSWERED', 'Agent/9001'],
      [2, 'ABANDONED', null],
      [3, 'ANSWERED', 'Agent/9001'],
    ]);
    expect(h.engine.agents().map((a) => [a.agentCode, a.online])).toEqual([['Agent/9001', true]]);
  });

  it('bridges an answered customer at once even when the answer is slow to write, and keeps the agent in rotation', async () => {
    let release: () => void = () => {};
    const slowWrite = new Promise<void>((resolve) => (release = resolve));
    const [leaver, next] = phoneNumbers(2);
    const h = await start('sqlite', {
      sim: { agents: 1, wrapUpSeconds: 2 },
      numbers: { [leaver!]: { kind: 'answer', answerAfterSeconds: 5, hangsUpAfterAnswerSeconds: 1 }, [next!]: answers(5, 3) },
      defaultProfile: { retry: { maxAttempts: 1, delaySeconds: 60 } },
      // The answer is slow to write (a database under strain): the write goes on in the background,
      // the customer, who leaves 1 s after answering, has been with the agent meanwhile.
      storeDelay: (method, args) =>
        method === 'progressAttempt' && args[0] === attemptCallId(39, 1, 1) && (args[1] as { state: string }).state === 'answered' ? slowWrite : null,
    });
    await h.sendCampaign({ id: 39, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([leaver!, next!]) });
    await h.clock.advanceBy(7 * SECOND);
    release();
    expect(await h.runUntilFinished(39, HOUR, 10 * SECOND)).toBe(true);

    expect((await h.updates(39)).map((u) => [u.contact_id, u.status, u.agentcode])).toEqual([
      [1, 'ANSWERED', 'Agent/9001'],
      [2, 'ANSWERED', 'Agent/9001'],
    ]);
    expect(h.engine.agents().map((a) => [a.agentCode, a.online])).toEqual([['Agent/9001', true]]);
  });
});
