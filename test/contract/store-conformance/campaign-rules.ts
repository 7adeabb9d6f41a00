/** Conformance rules for campaigns: creation with contacts, idempotent re-creation, lifecycle. */
import { expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.ts';
import { HOUR, MINUTE, SECOND, T0, answered, attemptEnd, call, contact, contacts, createRunning, dial, dncFor, exhausted, finishFor, manyContacts, newCampaign, retryAt } from './fixtures.ts';

export function campaignRules(store: () => Store): void {
  it('creating a campaign stores it scheduled and every contact in CRM order, pending and due at the start', async () => {
    const s = store();
    const campaign = newCampaign(7, { typeId: 3, startsAt: T0 + HOUR, endsAt: T0 + 5 * HOUR, receivedAt: T0, contentHash: 'abc' });
    expect(await s.createCampaign(campaign, contacts(30, 10, 20))).toEqual({ outcome: 'created' });

    expect(await s.getCampaign(7)).toEqual({
      id: 7,
      typeId: 3,
      startsAt: T0 + HOUR,
      endsAt: T0 + 5 * HOUR,
      state: 'scheduled',
      finishStatus: null,
      receivedAt: T0,
      startedAt: null,
      stoppedAt: null,
      finishedAt: null,
      contactTotal: 3,
      contentHash: 'abc',
      extra: null,
    });
    const stored = await s.listContacts(7, { limit: 10 });
    expect(stored).toEqual(
      [30, 10, 20].map((id, seq) => ({
        campaignId: 7,
        contactId: id,
        seq,
        phoneNumber: contact(id).phoneNumber,
        dialNumber: contact(id).dialNumber,
        linkEdit: contact(id).linkEdit,
        state: 'pending',
        outcome: null,
        attempts: 0,
        nextAttemptAt: T0 + HOUR,
        lastStatus: null,
        waitReason: null,
        extra: null,
      })),
    );
    expect(await s.getContact(7, 10)).toEqual(stored[1]);
  });

  it('creating a campaign id that already exists reports the stored content hash and changes nothing', async () => {
    const s = store();
    await s.createCampaign(newCampaign(7, { contentHash: 'first' }), contacts(1, 2));
    const before = await s.getCampaign(7);

    const again = await s.createCampaign(newCampaign(7, { contentHash: 'second', typeId: 9, receivedAt: T0 }), contacts(3, 4, 5));
    expect(again).toEqual({ outcome: 'exists', contentHash: 'first' });
    expect(await s.getCampaign(7)).toEqual(before);
    expect((await s.listContacts(7, { limit: 10 })).map((c) => c.contactId)).toEqual([1, 2]);
    expect(await s.getContact(7, 3)).toBeUndefined();
  });

  it('a campaign listing one contact id twice is refused whole', async () => {
    const s = store();
    await expect(s.createCampaign(newCampaign(7), contacts(1, 2, 1))).rejects.toThrow();
    expect(await s.getCampaign(7)).toBeUndefined();
    expect(await s.listContacts(7, { limit: 10 })).toEqual([]);
    expect(await s.createCampaign(newCampaign(7), contacts(1, 2))).toEqual({ outcome: 'created' });
  });

  it('unknown extra fields of a campaign and of its contacts round-trip unchanged', async () => {
    const s = store();
    const campaignExtra = { priority: 'high', tags: ['vip', 'hà nội'], nested: { a: 1, b: [true, null, 2.5] }, empty: {} };
    const contactExtra = { customer_name: 'Nguyễn Văn A', debt: 1250000, flags: { vip: true }, list: [1, 'two'] };
    await s.createCampaign(newCampaign(7, { extra: campaignExtra }), [contact(1, contactExtra), contact(2), contact(3, {})]);

    expect((await s.getCampaign(7))?.extra).toEqual(campaignExtra);
    expect((await s.getContact(7, 1))?.extra).toEqual(contactExtra);
    expect((await s.getContact(7, 2))?.extra).toBeNull();
    expect((await s.getContact(7, 3))?.extra).toEqual({});
  });

  it('a campaign of 20,000 contacts is stored whole and in order', async () => {
    const s = store();
    await s.createCampaign(newCampaign(8), manyContacts(20_000, 500_001));

    expect((await s.getCampaign(8))?.contactTotal).toBe(20_000);
    expect((await s.countCampaign(8)).contactTotal).toBe(20_000);
    expect(await s.countOpenContacts(8)).toBe(20_000);
    const tail = await s.listContacts(8, { limit: 20, offset: 19_990 });
    expect(tail.map((c) => [c.seq, c.contactId])).toEqual(Array.from({ length: 10 }, (_, i) => [19_990 + i, 519_991 + i]));
    expect((await s.dueContacts(8, T0, 3)).map((c) => c.contactId)).toEqual([500_001, 500_002, 500_003]);
  });

  it('records handed out are copies: changing one does not change the store', async () => {
    const s = store();
    await s.createCampaign(newCampaign(7, { extra: { a: 1 } }), [contact(1, { b: 2 })]);
    const campaign = (await s.getCampaign(7))!;
    campaign.state = 'finished';
    campaign.extra!.a = 99;
    const c = (await s.getContact(7, 1))!;
    c.state = 'final';
    c.extra!.b = 99;
    (await s.dueContacts(7, T0, 1))[0]!.nextAttemptAt = T0 + HOUR;

    expect(await s.getCampaign(7)).toMatchObject({ state: 'scheduled', extra: { a: 1 } });
    expect(await s.getContact(7, 1)).toMatchObject({ state: 'pending', nextAttemptAt: T0, extra: { b: 2 } });
  });

  it('an unknown campaign or contact reads as undefined and counts as empty', async () => {
    const s = store();
    expect(await s.getCampaign(404)).toBeUndefined();
    expect(await s.getContact(404, 1)).toBeUndefined();
    expect(await s.listContacts(404, { limit: 10 })).toEqual([]);
    expect(await s.dueContacts(404, T0, 10)).toEqual([]);
    expect(await s.nextDueAt(404)).toBeNull();
    expect(await s.countOpenContacts(404)).toBe(0);
    expect(await s.countCampaign(404)).toEqual({
      contactTotal: 0,
      contactsFinal: 0,
      contactsPending: 0,
      contactsDialing: 0,
      contactsAnswered: 0,
      contactsDnc: 0,
      attempts: 0,
      attemptsByStatus: {},
    });
  });

  it('listCampaigns lists newest first (then higher id first), filters by state and pages', async () => {
    const s = store();
    await s.createCampaign(newCampaign(1, { receivedAt: T0 }), contacts(1));
    await s.createCampaign(newCampaign(2, { receivedAt: T0 + 2 * MINUTE }), contacts(1));
    await s.createCampaign(newCampaign(3, { receivedAt: T0 + MINUTE }), contacts(1));
    await s.createCampaign(newCampaign(4, { receivedAt: T0 + MINUTE }), contacts(1));
    await s.startCampaign(3, T0);
    await s.startCampaign(2, T0);

    const order = async (filter: Parameters<Store['listCampaigns']>[0]) => (await s.listCampaigns(filter)).map((c) => c.id);
    expect(await order({ limit: 10 })).toEqual([2, 4, 3, 1]);
    expect(await order({ limit: 2, offset: 1 })).toEqual([4, 3]);
    expect(await order({ states: ['running'], limit: 10 })).toEqual([2, 3]);
    expect(await order({ states: ['scheduled', 'finished'], limit: 10 })).toEqual([4, 1]);
    expect(await order({ states: [], limit: 10 })).toEqual([2, 4, 3, 1]);
  });

  it('startCampaign moves only a scheduled campaign to running', async () => {
    const s = store();
    await s.createCampaign(newCampaign(1), contacts(1));
    await s.createCampaign(newCampaign(2), contacts(1));
    await s.stopCampaign(2, 'closed', T0 - MINUTE);

    expect(await s.startCampaign(1, T0 + 5)).toBe(true);
    expect(await s.getCampaign(1)).toMatchObject({ state: 'running', startedAt: T0 + 5 });
    expect(await s.startCampaign(1, T0 + 10)).toBe(false);
    expect((await s.getCampaign(1))?.startedAt).toBe(T0 + 5);
    expect(await s.startCampaign(2, T0)).toBe(false);
    expect((await s.getCampaign(2))?.state).toBe('stopping');
    expect(await s.startCampaign(404, T0)).toBe(false);
  });

  it('stopCampaign moves a scheduled or running campaign to stopping and records the status it will finish with', async () => {
    const s = store();
    await s.createCampaign(newCampaign(1), contacts(1));
    await createRunning(s, 2, contacts(1));

    expect(await s.stopCampaign(1, 'closed', T0 - MINUTE)).toBe(true);
    expect(await s.getCampaign(1)).toMatchObject({ state: 'stopping', finishStatus: 'closed', stoppedAt: T0 - MINUTE, startedAt: null });
    expect(await s.stopCampaign(2, 'expired', T0 + HOUR)).toBe(true);
    expect(await s.getCampaign(2)).toMatchObject({ state: 'stopping', finishStatus: 'expired', stoppedAt: T0 + HOUR });

    expect(await s.stopCampaign(2, 'closed', T0 + 2 * HOUR)).toBe(false);
    expect(await s.getCampaign(2)).toMatchObject({ finishStatus: 'expired', stoppedAt: T0 + HOUR });
    await s.finishCampaign(1, 'closed', T0);
    expect(await s.stopCampaign(1, 'expired', T0 + HOUR)).toBe(false);
    expect(await s.stopCampaign(404, 'closed', T0)).toBe(false);
  });

  it('finishCampaign enters finished once and writes exactly one finish callback keyed finish-<id>', async () => {
    const s = store();
    await createRunning(s, 7, contacts(1, 2));
    await call(s, 7, 1, 1, T0, 'ANSWERED', answered);
    await call(s, 7, 2, 1, T0, 'BUSY', exhausted);
    const payload = finishFor(7, 'completed', 2, 1);

    expect(await s.finishCampaign(7, 'completed', T0 + HOUR)).toEqual({ outcome: 'finished', callback: payload });
    expect(await s.getCampaign(7)).toMatchObject({ state: 'finished', finishStatus: 'completed', finishedAt: T0 + HOUR });
    expect(await s.finishCampaign(7, 'closed', T0 + 2 * HOUR)).toEqual({ outcome: 'already' });
    expect(await s.getCampaign(7)).toMatchObject({ finishStatus: 'completed', finishedAt: T0 + HOUR });
    expect(await s.startCampaign(7, T0 + 2 * HOUR)).toBe(false);

    const callbacks = (await s.listCallbacks({ campaignId: 7, limit: 10 })).filter((c) => c.kind === 'finish');
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({
      campaignId: 7,
      kind: 'finish',
      idempotencyKey: 'finish-7',
      createdAt: T0 + HOUR,
      nextAttemptAt: T0 + HOUR,
      attempts: 0,
      state: 'pending',
      lastError: null,
      deliveredAt: null,
    });
    expect(JSON.parse(callbacks[0]!.payload)).toEqual(payload);
    expect(await s.finishCampaign(404, 'closed', T0)).toEqual({ outcome: 'already' });
  });

  it('finishCampaign finishes a stopping campaign with the status it is given', async () => {
    const s = store();
    await createRunning(s, 7, contacts(1));
    await s.stopCampaign(7, 'expired', T0 + HOUR);

    expect(await s.finishCampaign(7, 'expired', T0 + HOUR + MINUTE)).toEqual({ outcome: 'finished', callback: finishFor(7, 'expired', 1, 0) });
    expect(await s.getCampaign(7)).toMatchObject({
      state: 'finished',
      finishStatus: 'expired',
      stoppedAt: T0 + HOUR,
      finishedAt: T0 + HOUR + MINUTE,
    });
  });

  it('finishCampaign refuses while an attempt of the campaign is open: its update must come first', async () => {
    const s = store();
    await createRunning(s, 7, contacts(1, 2, 3));
    await s.stopCampaign(7, 'closed', T0 + MINUTE);
    await call(s, 7, 1, 1, T0, 'ANSWERED', answered);
    const talking = await dial(s, 7, 2, 1, T0);

    expect(await s.finishCampaign(7, 'closed', T0 + 2 * MINUTE)).toEqual({ outcome: 'open', openAttempts: 1, openContacts: 0 });
    expect(await s.getCampaign(7)).toMatchObject({ state: 'stopping', finishedAt: null });
    expect((await s.listCallbacks({ campaignId: 7, limit: 10 })).map((c) => c.kind)).toEqual(['update']);

    expect(await s.endAttempt(attemptEnd(7, 2, talking, 'ANSWERED', T0, T0 + 2 * MINUTE, answered))).toBe(true);
    // A leg that never reached the carrier was given back: nothing to report, nothing open.
    expect(await s.unplaceAttempt(await dial(s, 7, 3, 1, T0 + MINUTE), T0 + MINUTE, T0 + HOUR, 'not placed')).toBe(true);
    expect(await s.finishCampaign(7, 'closed', T0 + 3 * MINUTE)).toEqual({ outcome: 'finished', callback: finishFor(7, 'closed', 3, 2) });
    expect((await s.listCallbacks({ campaignId: 7, limit: 10 })).map((c) => c.kind)).toEqual(['update', 'update', 'finish']);
  });

  it('finishCampaign refuses completed while a contact is not final, and counts contact_success from the answered attempts', async () => {
    const s = store();
    await createRunning(s, 7, contacts(1, 2, 3));
    await call(s, 7, 1, 1, T0, 'NO ANSWER', retryAt(T0 + HOUR));
    await call(s, 7, 2, 1, T0, 'ANSWERED', answered);
    expect(await s.finishCampaign(7, 'completed', T0 + MINUTE)).toEqual({ outcome: 'open', openAttempts: 0, openContacts: 2 });

    // Contact 1 answered on its second attempt, contact 3 never: success counts contacts, not calls.
    await call(s, 7, 1, 2, T0 + HOUR, 'ANSWERED', answered);
    await call(s, 7, 3, 1, T0 + HOUR, 'BUSY', exhausted);
    expect(await s.finishCampaign(7, 'completed', T0 + 2 * HOUR + SECOND)).toEqual({ outcome: 'finished', callback: finishFor(7, 'completed', 3, 2) });
  });

  it('after the finish nothing more is written for the campaign: no attempt begins, no contact is made final without a call', async () => {
    const s = store();
    await createRunning(s, 7, contacts(1, 2));
    await s.stopCampaign(7, 'closed', T0);
    expect(await s.finishCampaign(7, 'closed', T0 + SECOND)).toMatchObject({ outcome: 'finished' });

    await expect(dial(s, 7, 1, 1, T0 + MINUTE)).rejects.toThrow();
    expect(await s.finalizeWithoutCall(7, 2, 'dnc', dncFor(7, 2, T0 + MINUTE), T0 + MINUTE)).toBe(false);
    expect(await s.getContact(7, 1)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await s.openAttempts()).toEqual([]);
    expect((await s.listCallbacks({ campaignId: 7, limit: 10 })).map((c) => c.kind)).toEqual(['finish']);
  });
}
