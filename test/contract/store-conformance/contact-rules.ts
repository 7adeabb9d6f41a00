/** Conformance rules for contacts: what is due and in which order, postponements, DNC finals, counts. */
import { expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.ts';
import {
  MINUTE,
  SECOND,
  T0,
  answered,
  call,
  contacts,
  createRunning,
  dial,
  dncFor,
  exhausted,
  ids,
  retryAt,
  writeUpdate,
} from './fixtures.ts';

export function contactRules(store: () => Store): void {
  it('dueContacts returns pending contacts whose time has come, earliest first, then in CRM order, up to the limit', async () => {
    const s = store();
    // CRM order differs from id order on purpose.
    await createRunning(s, 1, contacts(60, 50, 40, 30, 20, 10));
    await createRunning(s, 2, contacts(60, 50));
    await s.postponeContact(1, 40, T0 + 10 * MINUTE, 'calling-hours');
    await s.postponeContact(1, 20, T0 + 5 * MINUTE, 'frequency-cap');
    await dial(s, 1, 50, 1, T0);

    expect(ids(await s.dueContacts(1, T0, 10))).toEqual([60, 30, 10]);
    expect(ids(await s.dueContacts(1, T0 - 1, 10))).toEqual([]);
    expect(ids(await s.dueContacts(1, T0 + 5 * MINUTE - 1, 10))).toEqual([60, 30, 10]);
    expect(ids(await s.dueContacts(1, T0 + 5 * MINUTE, 10))).toEqual([60, 30, 10, 20]);
    expect(ids(await s.dueContacts(1, T0 + 10 * MINUTE, 10))).toEqual([60, 30, 10, 20, 40]);
    expect(ids(await s.dueContacts(1, T0 + 10 * MINUTE, 2))).toEqual([60, 30]);
    expect(ids(await s.dueContacts(1, T0 + 10 * MINUTE, 0))).toEqual([]);

    await writeUpdate(s, 1, 30, T0 + SECOND);
    expect(ids(await s.dueContacts(1, T0 + 10 * MINUTE, 10))).toEqual([60, 10, 20, 40]);
    expect(ids(await s.dueContacts(2, T0, 10))).toEqual([60, 50]);
  });

  it('dueContacts orders contacts due at the same time by CRM order, whatever order they became due in', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3, 4, 5));
    await s.postponeContact(1, 4, T0 + MINUTE, 'retry-delay');
    await s.postponeContact(1, 1, T0 + MINUTE, 'retry-delay');
    await s.postponeContact(1, 3, T0 + MINUTE, 'retry-delay');
    await call(s, 1, 5, 1, T0, 'BUSY', retryAt(T0 + MINUTE));
    await call(s, 1, 2, 1, T0, 'NO ANSWER', retryAt(T0 + 30 * SECOND));

    const due = await s.dueContacts(1, T0 + MINUTE, 10);
    expect(ids(due)).toEqual([2, 1, 3, 4, 5]);
    expect(due.map((c) => c.nextAttemptAt)).toEqual([T0 + 30 * SECOND, T0 + MINUTE, T0 + MINUTE, T0 + MINUTE, T0 + MINUTE]);
  });

  it('nextDueAt is the earliest next attempt among pending contacts, and null when none is pending', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3));
    expect(await s.nextDueAt(1)).toBe(T0);

    await s.postponeContact(1, 1, T0 + 3 * MINUTE, 'calling-hours');
    await s.postponeContact(1, 2, T0 + 2 * MINUTE, 'calling-hours');
    await dial(s, 1, 3, 1, T0);
    expect(await s.nextDueAt(1)).toBe(T0 + 2 * MINUTE);

    await writeUpdate(s, 1, 2, T0);
    expect(await s.nextDueAt(1)).toBe(T0 + 3 * MINUTE);
    await writeUpdate(s, 1, 1, T0);
    // Contact 3 is dialing: nothing is pending.
    expect(await s.nextDueAt(1)).toBeNull();
  });

  it('countOpenContacts counts contacts that are pending or dialing', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3, 4));
    await dial(s, 1, 1, 1, T0);
    await call(s, 1, 2, 1, T0, 'ANSWERED', answered);
    await call(s, 1, 3, 1, T0, 'NO ANSWER', retryAt(T0 + MINUTE));
    expect(await s.countOpenContacts(1)).toBe(3);
    await writeUpdate(s, 1, 4, T0);
    expect(await s.countOpenContacts(1)).toBe(2);
  });

  it('postponeContact moves a pending contact to a later time with its reason, and leaves others alone', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3));
    await dial(s, 1, 2, 1, T0);

    await s.postponeContact(1, 1, T0 + 15 * MINUTE, 'calling-hours');
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'pending', nextAttemptAt: T0 + 15 * MINUTE, waitReason: 'calling-hours' });
    await s.postponeContact(1, 2, T0 + 15 * MINUTE, 'calling-hours');
    expect(await s.getContact(1, 2)).toMatchObject({ state: 'dialing', nextAttemptAt: T0, waitReason: null });
    await s.postponeContact(1, 404, T0 + 15 * MINUTE, 'calling-hours');
    expect(await s.getContact(1, 3)).toMatchObject({ state: 'pending', nextAttemptAt: T0, waitReason: null });
  });

  it('finalizeWithoutCall makes a pending contact final as DNC and writes exactly one update callback', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await s.postponeContact(1, 1, T0 + MINUTE, 'frequency-cap');
    const payload = dncFor(1, 1, T0 + 2 * SECOND);

    expect(await s.finalizeWithoutCall(1, 1, 'dnc', payload, T0 + 2 * SECOND)).toBe(true);
    expect(await s.getContact(1, 1)).toMatchObject({
      state: 'final',
      outcome: 'dnc',
      lastStatus: 'DNC',
      attempts: 0,
      nextAttemptAt: null,
      waitReason: null,
    });
    expect(await s.finalizeWithoutCall(1, 1, 'dnc', payload, T0 + 3 * SECOND)).toBe(false);

    const callbacks = await s.listCallbacks({ campaignId: 1, limit: 10 });
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({
      kind: 'update',
      idempotencyKey: 'dnc-1-1',
      createdAt: T0 + 2 * SECOND,
      nextAttemptAt: T0 + 2 * SECOND,
      state: 'pending',
    });
    expect(JSON.parse(callbacks[0]!.payload)).toEqual(payload);
  });

  it('finalizeManyWithoutCall makes the pending ones of many contacts final as DNC in one go, one update callback each, and skips the rest', async () => {
    const s = store();
    await createRunning(s, 1, contacts(5, 1, 2, 3, 4));
    await dial(s, 1, 1, 1, T0);
    await call(s, 1, 2, 1, T0, 'ANSWERED', answered);
    await s.postponeContact(1, 4, T0 + MINUTE, 'frequency-cap');
    const at = T0 + 2 * SECOND;
    const asked = [4, 1, 2, 404, 5].map((id) => ({ contactId: id, callback: dncFor(1, id, at) }));

    expect(await s.finalizeManyWithoutCall(1, 'dnc', asked, at)).toEqual([4, 5]);
    for (const id of [4, 5]) {
      expect(await s.getContact(1, id)).toMatchObject({ state: 'final', outcome: 'dnc', lastStatus: 'DNC', attempts: 0, nextAttemptAt: null, waitReason: null });
    }
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', outcome: null });
    expect(await s.getContact(1, 3)).toMatchObject({ state: 'pending' });
    const dnc = (await s.listCallbacks({ campaignId: 1, limit: 10 })).filter((c) => c.idempotencyKey.startsWith('dnc-'));
    expect(dnc.map((c) => [c.idempotencyKey, c.kind, c.createdAt, c.nextAttemptAt, c.state])).toEqual([
      ['dnc-1-4', 'update', at, at, 'pending'],
      ['dnc-1-5', 'update', at, at, 'pending'],
    ]);
    expect(JSON.parse(dnc[0]!.payload)).toEqual(dncFor(1, 4, at));

    // Again: nothing is pending any more, so nothing changes and no callback is added.
    expect(await s.finalizeManyWithoutCall(1, 'dnc', asked, at + SECOND)).toEqual([]);
    expect(await s.finalizeManyWithoutCall(1, 'dnc', [], at)).toEqual([]);
    expect(await s.listCallbacks({ campaignId: 1, limit: 10 })).toHaveLength(3);
  });

  it('finalizeManyWithoutCall writes nothing once the campaign is finished', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await s.stopCampaign(1, 'closed', T0);
    expect(await s.finishCampaign(1, 'closed', T0 + SECOND)).toMatchObject({ outcome: 'finished' });
    expect(await s.finalizeManyWithoutCall(1, 'dnc', [1, 2].map((id) => ({ contactId: id, callback: dncFor(1, id, T0 + MINUTE) })), T0 + MINUTE)).toEqual([]);
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'pending' });
    expect((await s.listCallbacks({ campaignId: 1, limit: 10 })).map((c) => c.kind)).toEqual(['finish']);
  });

  it('listContactsAfter reads a campaign page by page in contact-id order, each contact once', async () => {
    const s = store();
    const ids = [9, 3, 1_000_000, -4, 7, 0, 12, 8];
    await createRunning(s, 1, contacts(...ids));
    await createRunning(s, 2, contacts(5, 6));
    const seen: number[][] = [];
    let after: number | null = null;
    for (let page = 0; page < 10; page++) {
      const got = await s.listContactsAfter(1, after, 3);
      seen.push(got.map((c) => c.contactId));
      if (got.length < 3) break;
      after = got[got.length - 1]!.contactId;
    }
    expect(seen).toEqual([[-4, 0, 3], [7, 8, 9], [12, 1_000_000]]);
    const first = (await s.listContactsAfter(1, null, 1))[0];
    expect(first).toEqual(await s.getContact(1, -4));
    expect(await s.listContactsAfter(404, null, 3)).toEqual([]);
  });

  it('finalizeWithoutCall refuses a contact that is dialing, final or unknown', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await dial(s, 1, 1, 1, T0);
    await call(s, 1, 2, 1, T0, 'ANSWERED', answered);

    expect(await s.finalizeWithoutCall(1, 1, 'dnc', dncFor(1, 1, T0), T0)).toBe(false);
    expect(await s.finalizeWithoutCall(1, 2, 'dnc', dncFor(1, 2, T0), T0)).toBe(false);
    expect(await s.finalizeWithoutCall(1, 404, 'dnc', dncFor(1, 404, T0), T0)).toBe(false);
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', outcome: null });
    expect(await s.getContact(1, 2)).toMatchObject({ state: 'final', outcome: 'answered' });
    expect((await s.listCallbacks({ campaignId: 1, limit: 10 })).map((c) => c.idempotencyKey)).toEqual(['ccs-1-2-1']);
  });

  it('countCampaign counts contacts by state and outcome, and attempts by status', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3, 4, 5));
    await createRunning(s, 2, contacts(1));
    await call(s, 1, 1, 1, T0, 'ANSWERED', answered);
    await call(s, 1, 2, 1, T0, 'NO ANSWER', retryAt(T0 + MINUTE));
    await call(s, 1, 2, 2, T0 + MINUTE, 'BUSY', exhausted);
    await dial(s, 1, 3, 1, T0 + MINUTE);
    await writeUpdate(s, 1, 4, T0);
    await call(s, 2, 1, 1, T0, 'ANSWERED', answered);

    expect(await s.countCampaign(1)).toEqual({
      contactTotal: 5,
      contactsFinal: 3,
      contactsPending: 1,
      contactsDialing: 1,
      contactsAnswered: 1,
      contactsDnc: 1,
      attempts: 4,
      attemptsByStatus: { ANSWERED: 1, 'NO ANSWER': 1, BUSY: 1 },
    });
  });

  it('listContacts lists in CRM order, filters by state and pages', async () => {
    const s = store();
    await createRunning(s, 1, contacts(5, 4, 3, 2, 1));
    await dial(s, 1, 4, 1, T0);
    await dial(s, 1, 2, 1, T0);

    expect(ids(await s.listContacts(1, { limit: 10 }))).toEqual([5, 4, 3, 2, 1]);
    expect(ids(await s.listContacts(1, { limit: 2, offset: 1 }))).toEqual([4, 3]);
    expect(ids(await s.listContacts(1, { state: 'dialing', limit: 10 }))).toEqual([4, 2]);
    expect(ids(await s.listContacts(1, { state: 'pending', limit: 10, offset: 1 }))).toEqual([3, 1]);
    expect(ids(await s.listContacts(1, { state: 'final', limit: 10 }))).toEqual([]);
  });
}
