/**
 * Retries of unreached contacts (decision 3.8) and the 2-second rule, in virtual time on
 * SQLite and PostgreSQL: 3 attempts in all, each at least the retry delay after the previous
 * one ended, never from endtime on; an answered contact is final; a customer who answered and
 * found no agent within the hold is reported ABANDONED and tried again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  busy,
  contactsFor,
  HOUR,
  MINUTE,
  parseReported,
  phoneNumbers,
  ringsForever,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessOptions,
} from '../support/engine-harness.ts';

const DEFAULT_RETRY = { maxAttempts: 3, delaySeconds: 1800 };

describe.each(DIALECTS)('retries on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (options: Omit<HarnessOptions, 'dialect'> = {}) =>
    (h = await startEngineHarness({ dialect, ...options, defaultProfile: { retry: DEFAULT_RETRY, ringTimeoutSeconds: 20, ...options.defaultProfile } }));

  it('tries an unreached contact 3 times in all, each attempt at least the retry delay after the previous one ended', async () => {
    const [b, n] = phoneNumbers(2);
    const h = await start({ numbers: { [b!]: busy(4), [n!]: ringsForever } });
    await h.sendCampaign({ id: 10, startsAt: T0, endsAt: T0 + 6 * HOUR, contacts: contactsFor([b!, n!]) });
    expect(await h.runUntilFinished(10, 7 * HOUR)).toBe(true);

    const updates = await h.updates(10);
    for (const [contactId, status] of [
      [1, 'BUSY'],
      [2, 'NO ANSWER'],
    ] as const) {
      const mine = updates.filter((u) => u.contact_id === contactId);
      expect(mine.map((u) => u.callid)).toEqual([1, 2, 3].map((n) => attemptCallId(10, contactId, n)));
      expect(mine.every((u) => u.status === status)).toBe(true);
      for (let i = 1; i < mine.length; i++) {
        const gap = parseReported(mine[i]!.starttime) - parseReported(mine[i - 1]!.endtime);
        expect(gap).toBeGreaterThanOrEqual(DEFAULT_RETRY.delaySeconds * SECOND);
      }
      expect(h.placedFor(10, contactId).map((p) => p.request.tags.attemptNo)).toEqual([1, 2, 3]);
    }
    expect(h.finished.get(10)?.status).toBe('completed');
    expect(await h.finishPayload(10)).toEqual({ campaignid: 10, status: 'completed', contact_total: 2, contact_success: 0 });
  });

  it('never retries from endtime on: the campaign expires with the contact still pending', async () => {
    const [b] = phoneNumbers(1);
    const h = await start({ numbers: { [b!]: busy(4) } });
    const endsAt = T0 + 45 * MINUTE; // room for the second attempt (T0 + 30 min), not the third
    await h.sendCampaign({ id: 11, startsAt: T0, endsAt, contacts: contactsFor([b!]) });
    expect(await h.runUntilFinished(11, 3 * HOUR)).toBe(true);
    expect(h.placed.map((p) => p.request.tags.attemptNo)).toEqual([1, 2]);
    expect(h.placed.every((p) => p.at < endsAt)).toBe(true);
    expect(h.finished.get(11)).toEqual({ status: 'expired', at: endsAt });
    expect(await h.finishPayload(11)).toEqual({ campaignid: 11, status: 'expired', contact_total: 1, contact_success: 0 });
    expect((await h.store.getContact(11, 1))?.state).toBe('pending');
  });

  it('does not call an answered contact again', async () => {
    const [a, b] = phoneNumbers(2);
    const h = await start({ numbers: { [a!]: answers(3, 20), [b!]: busy(2) } });
    await h.sendCampaign({ id: 12, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor([a!, b!]) });
    expect(await h.runUntilFinished(12, 5 * HOUR)).toBe(true);
    expect(h.placedFor(12, 1).length).toBe(1);
    expect(h.placedFor(12, 2).length).toBe(3);
    const contact = await h.store.getContact(12, 1);
    expect(contact).toMatchObject({ state: 'final', outcome: 'answered', attempts: 1, lastStatus: 'ANSWERED' });
  });

  it('uses the retry rule of the campaign profile', async () => {
    const [b] = phoneNumbers(1);
    const h = await start({ numbers: { [b!]: busy(2) }, profiles: [{ name: 'quick', typeIds: [7], retry: { maxAttempts: 5, delaySeconds: 60 } }] });
    await h.sendCampaign({ id: 13, typeId: 7, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([b!]) });
    expect(await h.runUntilFinished(13, 2 * HOUR, 10 * SECOND)).toBe(true);
    const updates = await h.updates(13);
    expect(updates.map((u) => u.callid)).toEqual([1, 2, 3, 4, 5].map((n) => attemptCallId(13, 1, n)));
    for (let i = 1; i < updates.length; i++) {
      expect(parseReported(updates[i]!.starttime) - parseReported(updates[i - 1]!.endtime)).toBeGreaterThanOrEqual(60 * SECOND);
    }
  });

  it('reports a customer who answered and found no agent within the hold as ABANDONED, and calls them again', async () => {
    const numbers = phoneNumbers(2);
    // Power dialling: two legs for the one agent; both customers answer at the same moment.
    const h = await start({
      sim: { agents: 1 },
      fallback: answers(5, 30),
      defaultProfile: { dialMode: 'power', powerRatio: 2, retry: { maxAttempts: 3, delaySeconds: 600 } },
    });
    await h.sendCampaign({ id: 14, startsAt: T0, endsAt: T0 + 2 * HOUR, contacts: contactsFor(numbers) });
    expect(await h.runUntilFinished(14, 3 * HOUR)).toBe(true);

    const updates = await h.updates(14);
    const abandoned = updates.filter((u) => u.status === 'ABANDONED');
    expect(abandoned.length).toBe(1);
    const drop = abandoned[0]!;
    expect(drop).toMatchObject({ agentcode: null, station_id: null, link_down_record: null });
    expect(drop.answertime).not.toBeNull();
    // Held for the hold limit (2 s) before the message, never dropped at once.
    expect(parseReported(drop.endtime) - parseReported(drop.answertime!)).toBeGreaterThanOrEqual(2 * SECOND);
    // The abandoned contact is called again and, this time with a free agent, answered.
    const again = updates.filter((u) => u.contact_id === drop.contact_id && u.callid !== drop.callid);
    expect(again.map((u) => u.status)).toEqual(['ANSWERED']);
    expect(parseReported(again[0]!.starttime) - parseReported(drop.endtime)).toBeGreaterThanOrEqual(600 * SECOND);
    expect(await h.finishPayload(14)).toEqual({ campaignid: 14, status: 'completed', contact_total: 2, contact_success: 2 });
  });
});
