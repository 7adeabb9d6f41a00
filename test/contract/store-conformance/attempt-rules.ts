/** Conformance rules for attempts: begin, progress, end (with the contact move and its callback), lists. */
import { expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.ts';
import {
  HOUR,
  MINUTE,
  SECOND,
  T0,
  answered,
  attemptEnd,
  call,
  contact,
  contacts,
  createRunning,
  dial,
  newAttempt,
  retryAt,
  writeUpdate,
} from './fixtures.ts';

export function attemptRules(store: () => Store): void {
  it('beginAttempt makes the contact dialing with one attempt more and records the attempt as dialing', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await s.postponeContact(1, 1, T0 + MINUTE, 'calling-hours');
    const attempt = newAttempt(1, 1, 1, T0 + MINUTE);
    await s.beginAttempt(attempt);

    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', attempts: 1, waitReason: null, outcome: null });
    expect(await s.getAttempt(attempt.callId)).toEqual({
      callId: 'ccs-1-1-1',
      campaignId: 1,
      contactId: 1,
      attemptNo: 1,
      dialNumber: contact(1).dialNumber,
      state: 'dialing',
      startedAt: T0 + MINUTE,
      ringingAt: null,
      answeredAt: null,
      connectedAt: null,
      endedAt: null,
      agentCode: null,
      stationId: null,
      status: null,
      cause: null,
      recordingKey: null,
      note: null,
      disposition: null,
      dispositionAt: null,
      dispositionBy: null,
      recordingDeletedAt: null,
      audit: { trunk: 'sim', rule: 'default' },
    });
    expect(await s.getContact(1, 2)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await s.getAttempt('ccs-404')).toBeUndefined();
  });

  it('beginAttempt fails for a contact that is not pending and changes nothing', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await dial(s, 1, 1, 1, T0);
    await writeUpdate(s, 1, 2, T0);

    await expect(s.beginAttempt(newAttempt(1, 1, 2, T0 + SECOND))).rejects.toThrow();
    await expect(s.beginAttempt(newAttempt(1, 2, 1, T0 + SECOND))).rejects.toThrow();
    await expect(s.beginAttempt(newAttempt(1, 404, 1, T0 + SECOND))).rejects.toThrow();
    await expect(s.beginAttempt(newAttempt(404, 1, 1, T0 + SECOND))).rejects.toThrow();

    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', attempts: 1 });
    expect(await s.getContact(1, 2)).toMatchObject({ state: 'final', attempts: 0 });
    expect((await s.listAttempts({ campaignId: 1, limit: 10 })).map((a) => a.callId)).toEqual(['ccs-1-1-1']);
  });

  it('beginAttempt with a call id already used fails and leaves the contact pending', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await call(s, 1, 1, 1, T0, 'NO ANSWER', retryAt(T0 + MINUTE));

    await expect(s.beginAttempt({ ...newAttempt(1, 2, 1, T0 + MINUTE), callId: 'ccs-1-1-1' })).rejects.toThrow();
    expect(await s.getContact(1, 2)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await s.getAttempt('ccs-1-1-1')).toMatchObject({ contactId: 1, state: 'ended' });
  });

  it('progressAttempt moves an attempt forward through ringing, answered and connected', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const callId = await dial(s, 1, 1, 1, T0);

    await s.progressAttempt(callId, { state: 'ringing', at: T0 + SECOND });
    expect(await s.getAttempt(callId)).toMatchObject({ state: 'ringing', ringingAt: T0 + SECOND, answeredAt: null });
    await s.progressAttempt(callId, { state: 'answered', at: T0 + 5 * SECOND });
    expect(await s.getAttempt(callId)).toMatchObject({ state: 'answered', ringingAt: T0 + SECOND, answeredAt: T0 + 5 * SECOND });
    await s.progressAttempt(callId, { state: 'connected', at: T0 + 7 * SECOND, agentCode: 'A07', stationId: '207' });
    expect(await s.getAttempt(callId)).toMatchObject({
      state: 'connected',
      answeredAt: T0 + 5 * SECOND,
      connectedAt: T0 + 7 * SECOND,
      agentCode: 'A07',
      stationId: '207',
    });
  });

  it('progressAttempt may skip a state but never moves an attempt backwards', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const callId = await dial(s, 1, 1, 1, T0);

    await s.progressAttempt(callId, { state: 'answered', at: T0 + 4 * SECOND });
    expect(await s.getAttempt(callId)).toMatchObject({ state: 'answered', ringingAt: null, answeredAt: T0 + 4 * SECOND });
    // A late ringing event, and a repeated answer, arrive after the answer.
    await s.progressAttempt(callId, { state: 'ringing', at: T0 + 5 * SECOND });
    await s.progressAttempt(callId, { state: 'answered', at: T0 + 6 * SECOND });
    expect(await s.getAttempt(callId)).toMatchObject({ state: 'answered', ringingAt: null, answeredAt: T0 + 4 * SECOND });
  });

  it('progressAttempt never touches an ended attempt', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const callId = await call(s, 1, 1, 1, T0, 'NO ANSWER', retryAt(T0 + MINUTE));
    const ended = await s.getAttempt(callId);

    await s.progressAttempt(callId, { state: 'connected', at: T0 + MINUTE, agentCode: 'A01', stationId: '101' });
    expect(await s.getAttempt(callId)).toEqual(ended);
    await s.progressAttempt('ccs-404', { state: 'ringing', at: T0 });
  });

  it('endAttempt ends the attempt, makes an answered contact final and writes one update callback keyed by the call id', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    const callId = await dial(s, 1, 1, 1, T0);
    await s.progressAttempt(callId, { state: 'connected', at: T0 + 6 * SECOND, agentCode: 'A01', stationId: '101' });
    const end = attemptEnd(1, 1, callId, 'ANSWERED', T0, T0 + 2 * MINUTE, answered);

    expect(await s.endAttempt(end)).toBe(true);
    expect(await s.getAttempt(callId)).toMatchObject({
      state: 'ended',
      endedAt: T0 + 2 * MINUTE,
      answeredAt: T0 + 5 * SECOND,
      connectedAt: T0 + 6 * SECOND,
      agentCode: 'A01',
      stationId: '101',
      status: 'ANSWERED',
      cause: 'normal',
      recordingKey: `rec/${callId}.wav`,
    });
    expect(await s.getContact(1, 1)).toMatchObject({
      state: 'final',
      outcome: 'answered',
      attempts: 1,
      lastStatus: 'ANSWERED',
      nextAttemptAt: null,
      waitReason: null,
    });
    const callbacks = await s.listCallbacks({ limit: 10 });
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({
      campaignId: 1,
      kind: 'update',
      idempotencyKey: callId,
      createdAt: T0 + 2 * MINUTE,
      nextAttemptAt: T0 + 2 * MINUTE,
      attempts: 0,
      state: 'pending',
    });
    expect(JSON.parse(callbacks[0]!.payload)).toEqual(end.callback);
  });

  it('endAttempt of an unreached contact leaves it pending until its retry time', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    await call(s, 1, 1, 1, T0, 'NO ANSWER', retryAt(T0 + 10 * MINUTE));

    expect(await s.getContact(1, 1)).toMatchObject({
      state: 'pending',
      outcome: null,
      attempts: 1,
      lastStatus: 'NO ANSWER',
      nextAttemptAt: T0 + 10 * MINUTE,
      waitReason: 'retry-delay',
    });
    expect(await s.dueContacts(1, T0 + 10 * MINUTE - 1, 10)).toEqual([]);
    expect((await s.dueContacts(1, T0 + 10 * MINUTE, 10)).map((c) => c.contactId)).toEqual([1]);
    await call(s, 1, 1, 2, T0 + 10 * MINUTE, 'ANSWERED', answered);
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'final', attempts: 2 });
  });

  it('a second endAttempt of the same call is refused and writes nothing', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const callId = await call(s, 1, 1, 1, T0, 'NO ANSWER', retryAt(T0 + MINUTE));
    const attempt = await s.getAttempt(callId);
    const person = await s.getContact(1, 1);

    expect(await s.endAttempt(attemptEnd(1, 1, callId, 'ANSWERED', T0, T0 + 5 * MINUTE, answered))).toBe(false);
    expect(await s.getAttempt(callId)).toEqual(attempt);
    expect(await s.getContact(1, 1)).toEqual(person);
    expect(await s.listCallbacks({ limit: 10 })).toHaveLength(1);
    expect(await s.endAttempt(attemptEnd(1, 1, 'ccs-404', 'ANSWERED', T0, T0 + MINUTE, answered))).toBe(false);
    expect(await s.listCallbacks({ limit: 10 })).toHaveLength(1);
  });

  it('unplaceAttempt gives the attempt back: contact pending with one attempt less, row kept aside as unplaced, no callback', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    const callId = await dial(s, 1, 1, 1, T0);
    expect(await s.unplaceAttempt(callId, T0 + SECOND, T0 + 30 * SECOND, 'not placed: ARI is not ready')).toBe(true);

    expect(await s.getContact(1, 1)).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: T0 + 30 * SECOND, waitReason: 'not placed: ARI is not ready', lastStatus: null });
    expect(await s.getAttempt(callId)).toBeUndefined();
    expect(await s.listAttempts({ campaignId: 1, limit: 10 })).toEqual([
      expect.objectContaining({ callId: `${callId}~unplaced-${T0 + SECOND}`, state: 'unplaced', endedAt: T0 + SECOND, cause: 'not placed: ARI is not ready', status: null }),
    ]);
    expect(await s.openAttempts()).toEqual([]);
    expect(await s.listCallbacks({ limit: 10 })).toEqual([]);
    // The same attempt is placed again under its own call id, and reported once when it ends.
    await s.beginAttempt(newAttempt(1, 1, 1, T0 + 30 * SECOND));
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', attempts: 1 });
    expect(await s.endAttempt(attemptEnd(1, 1, callId, 'NO ANSWER', T0 + 30 * SECOND, T0 + MINUTE, retryAt(T0 + HOUR)))).toBe(true);
    expect((await s.listCallbacks({ limit: 10 })).map((c) => c.idempotencyKey)).toEqual([callId]);
  });

  it('unplaceAttempt changes nothing for an attempt that rang, ended or does not exist', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    const ringing = await dial(s, 1, 1, 1, T0);
    await s.progressAttempt(ringing, { state: 'ringing', at: T0 + SECOND });
    expect(await s.unplaceAttempt(ringing, T0 + 2 * SECOND, T0 + MINUTE, 'x')).toBe(false);
    expect(await s.unplaceAttempt('ccs-404', T0, T0, 'x')).toBe(false);
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', attempts: 1 });
    expect(await s.getAttempt(ringing)).toMatchObject({ state: 'ringing' });
  });

  it('openAttempts lists only attempts not yet ended, earliest start first', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2, 3));
    await createRunning(s, 2, contacts(1));
    await dial(s, 1, 1, 1, T0 + 3 * SECOND);
    await call(s, 1, 2, 1, T0, 'BUSY', retryAt(T0 + MINUTE));
    await dial(s, 2, 1, 1, T0 + 1 * SECOND);
    await dial(s, 1, 3, 1, T0 + 2 * SECOND);

    expect((await s.openAttempts()).map((a) => a.callId)).toEqual(['ccs-2-1-1', 'ccs-1-3-1', 'ccs-1-1-1']);
    await s.endAttempt(attemptEnd(1, 3, 'ccs-1-3-1', 'ANSWERED', T0, T0 + MINUTE, answered));
    expect((await s.openAttempts()).map((a) => a.callId)).toEqual(['ccs-2-1-1', 'ccs-1-1-1']);
  });

  it("listAttempts lists a campaign's attempts newest first, or one contact's, and pages", async () => {
    const s = store();
    await createRunning(s, 1, contacts(1, 2));
    await createRunning(s, 2, contacts(1));
    await call(s, 1, 1, 1, T0, 'NO ANSWER', retryAt(T0 + MINUTE));
    await call(s, 1, 2, 1, T0 + SECOND, 'BUSY', retryAt(T0 + MINUTE));
    await call(s, 1, 1, 2, T0 + MINUTE, 'NO ANSWER', retryAt(T0 + 2 * MINUTE));
    await dial(s, 1, 2, 2, T0 + 2 * MINUTE);
    await dial(s, 2, 1, 1, T0 + 5 * MINUTE);

    const list = async (filter: Parameters<Store['listAttempts']>[0]) => (await s.listAttempts(filter)).map((a) => a.callId);
    expect(await list({ campaignId: 1, limit: 10 })).toEqual(['ccs-1-2-2', 'ccs-1-1-2', 'ccs-1-2-1', 'ccs-1-1-1']);
    expect(await list({ campaignId: 1, limit: 2, offset: 1 })).toEqual(['ccs-1-1-2', 'ccs-1-2-1']);
    expect(await list({ campaignId: 1, contactId: 1, limit: 10 })).toEqual(['ccs-1-1-2', 'ccs-1-1-1']);
    expect(await list({ campaignId: 2, limit: 10 })).toEqual(['ccs-2-1-1']);
    expect(await list({ campaignId: 404, limit: 10 })).toEqual([]);
  });

  it('setAttemptNote stores a note on a known attempt and reports an unknown one', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const callId = await call(s, 1, 1, 1, T0, 'ANSWERED', answered);

    expect(await s.setAttemptNote(callId, 'khách hẹn gọi lại sau 17h')).toBe(true);
    expect((await s.getAttempt(callId))?.note).toBe('khách hẹn gọi lại sau 17h');
    expect(await s.setAttemptNote(callId, 'đã xử lý')).toBe(true);
    expect((await s.getAttempt(callId))?.note).toBe('đã xử lý');
    expect(await s.setAttemptNote('ccs-404', 'x')).toBe(false);
  });
}
