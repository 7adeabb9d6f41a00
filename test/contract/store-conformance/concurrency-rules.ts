/**
 * Conformance rules for calls that race: each method is one transaction, so two callers doing
 * the same thing at once get one success between them, and a claimed callback has one owner.
 */
import { expect, it } from 'vitest';
import type { Store } from '../../../src/ports/store.ts';
import { MINUTE, SECOND, T0, answered, attemptEnd, contacts, createRunning, dial, newAttempt, newCampaign, writeUpdate } from './fixtures.ts';

export function concurrencyRules(store: () => Store): void {
  it('two concurrent creations of one campaign id store it once: one is created, the other reports exists', async () => {
    const s = store();
    const results = await Promise.all([
      s.createCampaign(newCampaign(7, { contentHash: 'same' }), contacts(1, 2, 3)),
      s.createCampaign(newCampaign(7, { contentHash: 'same' }), contacts(1, 2, 3)),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['created', 'exists']);
    expect(results.find((r) => r.outcome === 'exists')).toEqual({ outcome: 'exists', contentHash: 'same' });
    expect((await s.countCampaign(7)).contactTotal).toBe(3);
  });

  it('two concurrent beginAttempts on one contact: exactly one succeeds', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const results = await Promise.allSettled([
      s.beginAttempt({ ...newAttempt(1, 1, 1, T0), callId: 'call-a' }),
      s.beginAttempt({ ...newAttempt(1, 1, 1, T0), callId: 'call-b' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await s.getContact(1, 1)).toMatchObject({ state: 'dialing', attempts: 1 });
    expect(await s.openAttempts()).toHaveLength(1);
  });

  it('two concurrent endAttempts of one call: exactly one ends it and one callback is written', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const callId = await dial(s, 1, 1, 1, T0);
    const results = await Promise.all([
      s.endAttempt(attemptEnd(1, 1, callId, 'ANSWERED', T0, T0 + MINUTE, answered)),
      s.endAttempt(attemptEnd(1, 1, callId, 'ANSWERED', T0, T0 + MINUTE, answered)),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(await s.listCallbacks({ limit: 10 })).toHaveLength(1);
  });

  it('a finish and an attempt begun at the same time: one of them is refused, never an open attempt in a finished campaign', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    await s.stopCampaign(1, 'closed', T0);
    const [finish, begun] = await Promise.allSettled([s.finishCampaign(1, 'closed', T0 + SECOND), dial(s, 1, 1, 1, T0)]);
    const finished = finish.status === 'fulfilled' && finish.value.outcome === 'finished';
    expect(finished !== (begun.status === 'fulfilled')).toBe(true);
    expect(finished && (await s.openAttempts()).length > 0).toBe(false);
  });

  it('two concurrent finishCampaigns: exactly one finishes it and one finish callback is written', async () => {
    const s = store();
    await createRunning(s, 1, contacts(1));
    const results = await Promise.all([
      s.finishCampaign(1, 'closed', T0 + MINUTE),
      s.finishCampaign(1, 'closed', T0 + MINUTE),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['already', 'finished']);
    expect(await s.listCallbacks({ limit: 10 })).toHaveLength(1);
  });

  it('concurrent claims never hand out the same callback twice', async () => {
    const s = store();
    const ids = Array.from({ length: 24 }, (_, i) => i + 1);
    await createRunning(s, 1, contacts(...ids));
    for (const id of ids) await writeUpdate(s, 1, id, T0);

    const claims = await Promise.all([1, 2, 3, 4].map(() => s.claimDueCallbacks(T0 + SECOND, 6, 30 * SECOND)));
    const claimed = claims.flat().map((r) => r.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.length).toBeGreaterThan(0);
    expect(claimed.length).toBeLessThanOrEqual(24);
  });
}
