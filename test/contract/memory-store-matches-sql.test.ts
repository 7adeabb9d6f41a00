/**
 * The memory store keeps its rows in heaps rather than tables; this drives it and the SQLite
 * store through the same random sequence of operations (seeded, so a failure replays) and
 * requires every answer to be identical, including claims at times that go backwards.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ContactAfterAttempt } from '../../src/domain/attempt-outcome.ts';
import type { ReportedStatus } from '../../src/domain/disposition.ts';
import type { Store } from '../../src/ports/store.ts';
import { createMemoryStore } from '../../src/store/memory-store.ts';
import { openSqlStore } from '../../src/store/sql-store.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { MINUTE, SECOND, T0, attemptEnd, dncFor, manyContacts, newAttempt, newCampaign } from './store-conformance/fixtures.ts';

function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: ReportedStatus[] = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED'];

let database: TestDatabase | undefined;
let sqlStore: Store | undefined;

afterEach(async () => {
  await sqlStore?.close();
  await database?.drop();
  sqlStore = undefined;
  database = undefined;
});

describe('memory store against the SQLite store', () => {
  it.each([11, 12, 13])('answers a random sequence of operations exactly as SQLite does (seed %i)', async (seed) => {
    database = await createTestDatabase('sqlite');
    sqlStore = await openSqlStore(database.url);
    const stores = [sqlStore, createMemoryStore()] as const;
    const rnd = random(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
    const int = (n: number) => Math.floor(rnd() * n);

    /**
     * Runs one operation on both stores and requires the same outcome (value or failure).
     * `op` must not draw random numbers: both stores get the same arguments.
     */
    const both = async <T>(what: string, op: (s: Store) => Promise<T>): Promise<T> => {
      const [a, b] = await Promise.allSettled([op(stores[0]), op(stores[1])]);
      expect(b.status, what).toBe(a.status);
      if (a.status === 'fulfilled' && b.status === 'fulfilled') {
        expect(b.value, what).toEqual(a.value);
        return a.value;
      }
      return undefined as T;
    };

    const campaigns: number[] = [];
    const calls: { callId: string; campaignId: number; contactId: number; startedAt: number }[] = [];
    let clock = T0;
    let callbackCount = 0;

    for (let step = 0; step < 250; step++) {
      clock += (1 + int(20)) * SECOND;
      // Now and then a caller's clock lags behind the last one used.
      const now = rnd() < 0.1 ? clock - int(5) * MINUTE : clock;
      const r = rnd();
      if (r < 0.06 || campaigns.length === 0) {
        const id = campaigns.length + 1;
        campaigns.push(id);
        const campaign = newCampaign(id, { startsAt: T0 + int(3) * MINUTE, receivedAt: T0 + int(3) });
        const list = manyContacts(3 + int(12), 100 * id);
        await both('create', (s) => s.createCampaign(campaign, list));
        continue;
      }
      const campaignId = pick(campaigns);
      if (r < 0.1) {
        await both('start', (s) => s.startCampaign(campaignId, now));
      } else if (r < 0.32) {
        const limit = 1 + int(4);
        const due = await both('due', (s) => s.dueContacts(campaignId, now, limit));
        const c = due[0];
        if (c === undefined) continue;
        const attempt = { ...newAttempt(campaignId, c.contactId, c.attempts + 1, clock), callId: `call-${step}` };
        await both('begin', (s) => s.beginAttempt(attempt));
        calls.push({ callId: attempt.callId, campaignId, contactId: c.contactId, startedAt: clock });
      } else if (r < 0.4 && calls.length > 0) {
        const c = pick(calls);
        const state = pick(['ringing', 'answered', 'connected'] as const);
        await both('progress', (s) => s.progressAttempt(c.callId, { state, at: clock, agentCode: 'A1', stationId: 'S1' }));
      } else if (r < 0.55 && calls.length > 0) {
        const c = pick(calls);
        const status = pick(STATUSES);
        const after: ContactAfterAttempt =
          status === 'ANSWERED'
            ? { state: 'final', outcome: 'answered', nextAttemptAt: null, waitReason: null }
            : rnd() < 0.3
              ? { state: 'final', outcome: 'exhausted', nextAttemptAt: null, waitReason: null }
              : { state: 'pending', outcome: null, nextAttemptAt: clock + int(4) * MINUTE, waitReason: 'retry-delay' };
        const ended = await both('end', (s) => s.endAttempt(attemptEnd(c.campaignId, c.contactId, c.callId, status, c.startedAt, clock, after)));
        if (ended) callbackCount++;
      } else if (r < 0.6) {
        const contactId = 100 * campaignId + int(15);
        const until = clock + int(6) * MINUTE;
        await both('postpone', (s) => s.postponeContact(campaignId, contactId, until, 'calling-hours'));
      } else if (r < 0.64) {
        const contactId = 100 * campaignId + int(15);
        const done = await both('dnc', (s) => s.finalizeWithoutCall(campaignId, contactId, 'dnc', dncFor(campaignId, contactId, clock), clock));
        if (done) callbackCount++;
      } else if (r < 0.67) {
        const done = await both('finish', (s) => s.finishCampaign(campaignId, 'completed', clock));
        if (done?.outcome === 'finished') callbackCount++;
      } else if (r < 0.8) {
        const limit = 1 + int(4);
        const lease = int(3) * 30 * SECOND;
        await both('claim', (s) => s.claimDueCallbacks(now, limit, lease));
      } else if (r < 0.93 && callbackCount > 0) {
        const id = 1 + int(callbackCount);
        const k = rnd();
        if (k < 0.45) await both('delivered', (s) => s.markDelivered([id], clock));
        else if (k < 0.85) {
          const next = clock + int(3) * MINUTE;
          const dead = rnd() < 0.3;
          await both('failed', (s) => s.markFailed(id, `error ${step}`, next, dead));
        }
        else if (k < 0.95) await both('replay', (s) => s.replayCallback(id, now));
        else {
          const before = clock - int(3) * MINUTE;
          const limit = 1 + int(3);
          await both('prune', (s) => s.pruneDeliveredCallbacks(before, limit));
        }
      } else {
        await both('next due', (s) => s.nextDueAt(campaignId));
        await both('open contacts', (s) => s.countOpenContacts(campaignId));
        await both('counts', (s) => s.countCampaign(campaignId));
        await both('attempts', (s) => s.listAttempts({ campaignId, limit: 50 }));
      }
      // The outbox and the attempts in flight are compared after every step.
      await both('stats', (s) => s.outboxStats());
      await both('next callback', (s) => s.nextCallbackDueAt());
      await both('open attempts', (s) => s.openAttempts());
    }
    await both('callbacks', (s) => s.listCallbacks({ limit: 1000 }));
    await both('campaign list', (s) => s.listCampaigns({ limit: 100 }));
    for (const id of campaigns) await both('contacts', (s) => s.listContacts(id, { limit: 100 }));
  });
});
