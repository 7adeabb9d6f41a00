/**
 * A store that cannot write for a while (a full disk, a read-only database), in virtual time on
 * SQLite and PostgreSQL. Rules: a call event that could not be written is retried until it
 * lands, in order; no call stays live and no agent stays held once the store writes again; no
 * leg is placed whose attempt could not be recorded; the campaign finishes by itself, its
 * finish written after every update, with counts that match the updates.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateCampaignPayload } from '../../src/domain/callbacks.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, busy, contactsFor, HOUR, phoneNumbers, ringsForever, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';
import { writeFault } from '../support/failing-writes.ts';

describe.each(DIALECTS)('store writes failing for 20 s on %s', (dialect) => {
  const open: EngineHarness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
  });

  async function run(campaign: { id: number; endsAt: number }, outage: { from: number; to: number }) {
    const numbers = phoneNumbers(10);
    const fault = writeFault();
    const h = await startEngineHarness({
      dialect,
      sim: { agents: 3, wrapUpSeconds: 2 },
      numbers: { [numbers[0]!]: busy(2), [numbers[1]!]: busy(4), [numbers[2]!]: ringsForever },
      fallback: answers(5, 30),
      defaultProfile: { ringTimeoutSeconds: 20, retry: { maxAttempts: 2, delaySeconds: 60 } },
      storeDelay: (method) => fault.delay(method),
    });
    open.push(h);
    await h.sendCampaign({ id: campaign.id, startsAt: T0 + SECOND, endsAt: campaign.endsAt, contacts: contactsFor(numbers) });
    await h.clock.advanceTo(outage.from);
    fault.failing = true;
    const placedBefore = h.placed.length;
    await h.clock.advanceTo(outage.to);
    // The outage was real: call ends were refused and calls are still held for them.
    expect(fault.refused.get('endAttempt') ?? 0).toBeGreaterThan(0);
    expect(h.engine.storeWrites()).toMatchObject({ ok: false, retrying: expect.any(Number) });
    expect(h.engine.storeWrites().lastError?.message).toMatch(/disk is full/);
    const placedDuring = h.placed.slice(placedBefore);
    fault.failing = false;

    expect(await h.runUntilFinished(campaign.id, 3 * HOUR)).toBe(true);
    return { h, numbers, placedDuring, fault };
  }

  async function checkReported(h: EngineHarness, campaignId: number, contacts: number) {
    // Nothing left live or held.
    expect(h.engine.liveCalls()).toEqual([]);
    expect(h.engine.agents().filter((a) => a.activity === 'talking' || a.activity === 'reserved')).toEqual([]);
    expect(h.engine.storeWrites()).toMatchObject({ ok: true, retrying: 0 });

    // Every leg placed had its attempt recorded first; every attempt ended and reported once.
    const attempts = await h.store.listAttempts({ campaignId, limit: 1000 });
    const attemptIds = new Set(attempts.map((a) => a.callId));
    for (const p of h.placedFor(campaignId)) expect(attemptIds.has(p.request.callId)).toBe(true);
    // (An `unplaced` row is a leg never dialled, given back: not an attempt, never reported.)
    expect(attempts.filter((a) => a.state !== 'ended' && a.state !== 'unplaced')).toEqual([]);
    const rows = (await h.store.listCallbacks({ campaignId, limit: 1000 })).sort((a, b) => a.id - b.id);
    const updates = rows.filter((r) => r.kind === 'update');
    const finish = rows.filter((r) => r.kind === 'finish');
    const payloads = updates.map((r) => JSON.parse(r.payload) as UpdateCampaignPayload);
    expect(payloads.map((u) => u.callid).sort()).toEqual(attempts.filter((a) => a.state === 'ended').map((a) => a.callId).sort());

    // The finish comes after every update, with counts the updates bear out.
    expect(finish).toHaveLength(1);
    expect(finish[0]!.id).toBeGreaterThan(Math.max(...updates.map((u) => u.id)));
    const answered = new Set(payloads.filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id));
    const body = JSON.parse(finish[0]!.payload);
    expect(body).toMatchObject({ campaignid: campaignId, contact_total: contacts, contact_success: answered.size });
    return { payloads, body };
  }

  it('retries the call events it could not write: no call stays live, the campaign completes with every update before its finish', async () => {
    const { h, placedDuring } = await run({ id: 301, endsAt: T0 + 2 * HOUR }, { from: T0 + 30 * SECOND, to: T0 + 50 * SECOND });
    expect(h.finished.get(301)?.status).toBe('completed');
    const { payloads } = await checkReported(h, 301, 10);
    // Nobody lost a call to the outage: the seven who answer were all reached.
    expect(new Set(payloads.filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id)).size).toBe(7);
    // No leg was placed while no attempt could be recorded.
    expect(placedDuring).toEqual([]);
  }, 60_000);

  it('a write that committed but whose answer was lost (start, placement, call end, stop) is neither lost nor doubled', async () => {
    const numbers = phoneNumbers(10);
    const fault = writeFault();
    for (const method of ['startCampaign', 'beginAttempt', 'progressAttempt', 'endAttempt', 'stopCampaign']) fault.loseAnswer.add(method);
    const h = await startEngineHarness({
      dialect,
      sim: { agents: 3, wrapUpSeconds: 2 },
      numbers: { [numbers[0]!]: busy(2), [numbers[1]!]: busy(4), [numbers[2]!]: ringsForever },
      fallback: answers(5, 30),
      defaultProfile: { ringTimeoutSeconds: 20, retry: { maxAttempts: 2, delaySeconds: 60 } },
      wrapStore: (store) => fault.wrap(store),
    });
    open.push(h);
    // Ends while its second round of calls is up: the stop is one of the lost answers.
    await h.sendCampaign({ id: 303, startsAt: T0 + SECOND, endsAt: T0 + 100 * SECOND, contacts: contactsFor(numbers) });
    expect(await h.runUntilFinished(303, 3 * HOUR)).toBe(true);
    expect([...fault.loseAnswer]).toEqual([]);
    expect(h.peaks.perSubscriber).toBe(1);
    const { payloads } = await checkReported(h, 303, 10);
    expect(h.finished.get(303)?.status).toBe('expired');
    // The seven who answer were all reached despite the lost answers.
    expect(new Set(payloads.filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id)).size).toBe(7);
  }, 60_000);

  it('a campaign stored but answered 503 (answer lost) runs once the CRM sends it again', async () => {
    const numbers = phoneNumbers(4);
    const fault = writeFault();
    fault.loseAnswer.add('createCampaign');
    const h = await startEngineHarness({ dialect, sim: { agents: 2 }, fallback: answers(5, 30), wrapStore: (store) => fault.wrap(store) });
    open.push(h);
    const spec = { id: 304, startsAt: T0 + SECOND, endsAt: T0 + 2 * HOUR, contacts: contactsFor(numbers) };
    await expect(h.sendCampaign(spec)).rejects.toThrow(/Connection terminated/);
    await h.sendCampaign(spec); // the CRM's retry: identical content, acknowledged
    expect(await h.runUntilFinished(304, HOUR)).toBe(true);
    const { body } = await checkReported(h, 304, 4);
    expect(body.contact_success).toBe(4);
  }, 60_000);

  it('a campaign whose end falls in the outage is stopped and finishes expired once its calls are written', async () => {
    const { h, placedDuring, fault } = await run({ id: 302, endsAt: T0 + 40 * SECOND }, { from: T0 + 30 * SECOND, to: T0 + 55 * SECOND });
    expect(h.finished.get(302)?.status).toBe('expired');
    expect(fault.refused.get('stopCampaign') ?? 0).toBeGreaterThan(0);
    expect(placedDuring).toEqual([]);
    await checkReported(h, 302, 10);
  }, 60_000);
});
