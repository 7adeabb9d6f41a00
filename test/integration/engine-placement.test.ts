/**
 * A leg that never reached the carrier (the driver refused it: the PBX down, a channel it
 * would not create) is no call attempt: nothing is reported for it, the contact's attempt is
 * given back and the leg is placed again later under the same call id. A PBX that keeps
 * refusing makes the dialer back off instead of looping. SQLite and PostgreSQL, virtual time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { PlaceCallRequest } from '../../src/ports/telephony.ts';
import { DIALECTS } from '../support/databases.ts';
import { contactsFor, HOUR, MINUTE, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

/** The floor refuses legs while `refuse` says so, as the ARI driver does for a 409 or an unreachable PBX. */
function refusing(h: EngineHarness, refuse: (request: PlaceCallRequest, at: number) => boolean): { refused: { at: number; request: PlaceCallRequest }[] } {
  const refused: { at: number; request: PlaceCallRequest }[] = [];
  const place = h.driver.placeCall.bind(h.driver);
  h.driver.placeCall = async (request) => {
    if (refuse(request, h.clock.now())) {
      refused.push({ at: h.clock.now(), request });
      throw new Error(`placeCall ${request.callId}: ARI /channels/${request.callId}/dial: 409 Channel not in Stasis application`);
    }
    await place(request);
  };
  return { refused };
}

describe.each(DIALECTS)('legs that could not be placed, on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a refused leg spends no attempt: placed again under the same call id, one update in all, the refusal kept as an unplaced row', async () => {
    h = await startEngineHarness({ dialect, defaultProfile: { retry: { maxAttempts: 1, delaySeconds: 1800 } } });
    const [a, b] = phoneNumbers(2);
    let refusals = 0;
    const { refused } = refusing(h, (request) => request.tags.contactId === 1 && refusals++ < 2);
    const metrics = createMetrics({ store: h.store, engine: h.engine, now: () => h!.clock.now() });
    await h.sendCampaign({ id: 10, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor([a!, b!]) });
    expect(await h.runUntilFinished(10, HOUR, 10 * SECOND)).toBe(true);

    const callId = attemptCallId(10, 1, 1);
    expect(refused.map((r) => r.request.callId)).toEqual([callId, callId]);
    expect(h.placedFor(10, 1).map((p) => p.request.callId)).toEqual([callId]);
    // Each new try waits for the contact's back-off (5 s, then 10 s).
    const at = [...refused.map((r) => r.at), h.placedFor(10, 1)[0]!.at];
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(5 * SECOND);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(10 * SECOND);

    const updates = await h.updates(10);
    expect(updates.filter((u) => u.contact_id === 1)).toEqual([expect.objectContaining({ callid: callId, status: 'ANSWERED' })]);
    expect(updates.some((u) => u.status === 'FAILED')).toBe(false);
    expect(await h.store.getContact(10, 1)).toMatchObject({ state: 'final', outcome: 'answered', attempts: 1 });
    const rows = await h.store.listAttempts({ campaignId: 10, contactId: 1, limit: 10 });
    expect(rows.map((r) => r.state).sort()).toEqual(['ended', 'unplaced', 'unplaced']);
    expect(rows.filter((r) => r.state === 'unplaced').every((r) => r.callId.startsWith(`${callId}~unplaced-`) && /409 Channel not in Stasis/.test(r.cause ?? ''))).toBe(true);
    expect(await h.finishPayload(10)).toEqual({ campaignid: 10, status: 'completed', contact_total: 2, contact_success: 2 });
    expect(await metrics.registry.getSingleMetricAsString('ccs_calls_not_placed_total')).toContain('ccs_calls_not_placed_total 2');
  });

  it('a PBX that refuses every leg: the dialer backs off (no hot loop), nothing is reported, contacts stay pending until endtime', async () => {
    h = await startEngineHarness({ dialect });
    const { refused } = refusing(h, () => true);
    await h.sendCampaign({ id: 11, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(20)) });
    expect(await h.runUntilFinished(11, 2 * HOUR, 10 * SECOND)).toBe(true);

    // Pauses of 1 s doubling to 60 s between passes, each placing at most one leg per free
    // agent (2 here): about 2 × 60 tries in the hour, not thousands; once a minute at the end.
    expect(refused.length).toBeGreaterThan(20);
    expect(refused.length).toBeLessThan(150);
    const lastMinutes = refused.filter((r) => r.at >= T0 + 50 * MINUTE).length;
    expect(lastMinutes).toBeLessThanOrEqual(2 * 11);
    expect(await h.updates(11)).toEqual([]);
    for (const c of await h.store.listContacts(11, { limit: 100 })) expect(c).toMatchObject({ state: 'pending', attempts: 0 });
    expect(await h.finishPayload(11)).toEqual({ campaignid: 11, status: 'expired', contact_total: 20, contact_success: 0 });
  });
});
