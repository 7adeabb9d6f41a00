/**
 * Wrap-up dispositions and scheduled callbacks in virtual time, on SQLite and PostgreSQL, with
 * agents at a desk (no automatic wrap-up): a callback comes back to its agent as a preview at
 * its time and to anyone after the grace; retry and callback codes reopen the campaign's last
 * contact before it can finish; dnc lists the number; the CRM update keeps the contract's 13
 * fields unless the extra fields are on, and then waits for the disposition; a callback that
 * cannot happen before the campaign ends is refused, and one left when it ends is missed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { complianceDialPolicy } from '../../src/compliance/compliance-policy.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { attemptHistory } from '../../src/store/attempt-history.ts';
import { dncRepository } from '../../src/store/dnc-repository.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, HOUR, MINUTE, SECOND, startEngineHarness, T0, TIME_ZONE, type EngineHarness, type HarnessOptions } from '../support/engine-harness.ts';

const A = 'Agent/7001';
const B = 'Agent/7002';

describe.each(DIALECTS)('dispositions and callbacks on %s', (dialect) => {
  let h: EngineHarness | undefined;
  /** Harnesses crashed in a test, closed after the one that replaced them (the first owns the database). */
  const crashed: EngineHarness[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    for (const c of crashed.splice(0)) await c.close();
  });

  async function deskFloor(options: Partial<HarnessOptions> = {}, agents = [A]): Promise<EngineHarness> {
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, fallback: answers(5, 30), ...options, settings: { maxWrapUpSeconds: 120, callbackGraceSeconds: 300, ...options.settings } });
    for (const [i, code] of agents.entries()) await h.engine.signInAgent({ agentCode: code, stationId: `70${i}` });
    await h.clock.advanceBy(SECOND);
    return h;
  }
  const agentOf = (callId: string) => (h!.events.find((e) => e.type === 'connected' && e.callId === callId) as { agentCode?: string } | undefined)?.agentCode;

  it('a personal callback comes back to its agent as a preview at its time, is dialled for that agent only, and is marked dialled', async () => {
    await deskFloor({}, [A, B]);
    await h!.sendCampaign({ id: 80, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000101' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    const agent = agentOf(first)!;
    const other = agent === A ? B : A;
    // Wrap-up: the campaign's only contact is final, but the campaign waits for the disposition.
    expect(h!.finished.has(80)).toBe(false);

    const answer = await h!.engine.dispositions.record({ agentCode: agent, callId: first, code: 'call-back', callback: { at: T0 + HOUR, forAgent: agent } });
    expect(answer).toEqual({ ok: true, reopened: true, callbackAt: T0 + HOUR });
    expect(await h!.store.getContact(80, 1)).toMatchObject({ state: 'pending', nextAttemptAt: T0 + HOUR, waitReason: 'callback' });
    expect((await h!.store.getAttempt(first))!.disposition).toBe('call-back');
    h!.engine.readyAgent(agent);
    await h!.clock.advanceBy(SECOND);
    expect(h!.finished.has(80)).toBe(false);

    await h!.clock.advanceTo(T0 + HOUR + SECOND);
    expect(h!.engine.previewOffer(agent)).toMatchObject({ campaignId: 80, contactId: 1 });
    expect(h!.engine.previewOffer(other)).toBeUndefined();
    expect(h!.placed).toHaveLength(1);
    const call = await h!.engine.previewCall(agent);
    expect(call.ok).toBe(true);
    await h!.clock.advanceBy(10 * SECOND);
    const second = (call as { callId: string }).callId;
    expect(agentOf(second)).toBe(agent);
    const [cb] = await h!.callbacks!.listScheduledCallbacks({ agentCode: agent, limit: 10 });
    expect(cb).toMatchObject({ callId: first, state: 'dialled', dialledCallId: second, agentCode: agent, dueAt: T0 + HOUR, personalUntil: T0 + HOUR + 300 * SECOND });

    // The second call's wrap-up ends without a disposition: the contact keeps its ANSWERED outcome and the campaign completes.
    await h!.clock.advanceBy(MINUTE);
    h!.engine.readyAgent(agent);
    await h!.clock.advanceBy(SECOND);
    expect(h!.finished.get(80)?.status).toBe('completed');
    expect(await h!.finishPayload(80)).toEqual({ campaignid: 80, status: 'completed', contact_total: 1, contact_success: 1 });
  });

  it('a scheduled callback survives a restart: listed, still kept for its agent, and offered to it at its time', async () => {
    await deskFloor();
    await h!.sendCampaign({ id: 89, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000111' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'call-back', callback: { at: T0 + HOUR, forAgent: A } });
    const before = h!;
    crashed.push(before);
    await before.crash();

    h = await startEngineHarness({ dialect, database: before.database!, startAt: T0 + 30 * MINUTE, sim: { agents: 0 }, fallback: answers(5, 30), settings: { maxWrapUpSeconds: 120, callbackGraceSeconds: 300 } });
    expect(await h.callbacks!.listScheduledCallbacks({ agentCode: A, limit: 10 })).toMatchObject([{ callId: first, state: 'scheduled', dueAt: T0 + HOUR, agentCode: A }]);
    await h.engine.signInAgent({ agentCode: B, stationId: '702' });
    await h.engine.signInAgent({ agentCode: A, stationId: '701' });
    await h.clock.advanceTo(T0 + HOUR + SECOND);
    expect(h.engine.previewOffer(A)).toMatchObject({ campaignId: 89, contactId: 1 });
    expect(h.engine.previewOffer(B)).toBeUndefined();
    expect(h.placed).toHaveLength(0);
  });

  it('a callback for anyone is dialled at its time to the next free agent, and the shared callback is marked dialled', async () => {
    await deskFloor({}, [A, B]);
    await h!.sendCampaign({ id: 90, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000112' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    const agent = agentOf(first)!;
    expect(await h!.engine.dispositions.record({ agentCode: agent, callId: first, code: 'call-back', callback: { at: T0 + HOUR, forAgent: null } })).toMatchObject({ ok: true });
    h!.engine.pauseAgent(agent, 'lunch');
    h!.engine.readyAgent(agent);
    h!.engine.pauseAgent(agent, 'lunch');
    await h!.clock.advanceTo(T0 + HOUR - SECOND);
    expect(h!.placed).toHaveLength(1);
    await h!.clock.advanceTo(T0 + HOUR + 10 * SECOND);
    expect(h!.placed).toHaveLength(2);
    expect(h!.placed[1]!.at).toBe(T0 + HOUR);
    expect(agentOf(h!.placed[1]!.request.callId)).toBe(agent === A ? B : A);
    const [cb] = await h!.callbacks!.listScheduledCallbacks({ campaignId: 90, limit: 10 });
    expect(cb).toMatchObject({ agentCode: null, personalUntil: null, state: 'dialled', dialledCallId: h!.placed[1]!.request.callId });
  });

  it('a personal callback whose agent is away goes to anyone after the grace, not before', async () => {
    await deskFloor({}, [A]);
    await h!.sendCampaign({ id: 81, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000102' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'call-back', callback: { at: T0 + HOUR, forAgent: A } });
    h!.engine.readyAgent(A);
    h!.engine.pauseAgent(A, 'meeting');
    await h!.engine.signInAgent({ agentCode: B, stationId: '799' });
    await h!.clock.advanceTo(T0 + HOUR + 299 * SECOND);
    expect(h!.placed).toHaveLength(1);
    expect(h!.engine.previewOffer(B)).toBeUndefined();
    await h!.clock.advanceTo(T0 + HOUR + 320 * SECOND);
    expect(h!.placed).toHaveLength(2);
    expect(h!.placed[1]!.at).toBe(T0 + HOUR + 300 * SECOND);
    await h!.clock.advanceBy(10 * SECOND);
    expect(agentOf(h!.placed[1]!.request.callId)).toBe(B);
  });

  it('retry on the last contact reopens it before the campaign can finish; no disposition lets it finish after the wrap-up limit', async () => {
    await deskFloor({ defaultProfile: { retry: { maxAttempts: 3, delaySeconds: 600 } } });
    await h!.sendCampaign({ id: 82, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000103' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    const endedAt = (await h!.store.getAttempt(first))!.endedAt!;
    expect(await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'try-again' })).toEqual({ ok: true, reopened: true, callbackAt: null });
    expect(await h!.store.getContact(82, 1)).toMatchObject({ state: 'pending', nextAttemptAt: endedAt + 600 * SECOND });
    expect(await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'done' })).toMatchObject({ ok: false, error: 'already' });
    h!.engine.readyAgent(A);
    await h!.clock.advanceTo(endedAt + 600 * SECOND + MINUTE);
    expect(h!.placed).toHaveLength(2);
    expect(h!.placed[1]!.at).toBe(endedAt + 600 * SECOND);
    expect(h!.finished.has(82)).toBe(false);
    // Second call: wrap-up times out (120 s after its end) with no disposition; then the campaign completes.
    const secondEnd = (await h!.store.getAttempt(h!.placed[1]!.request.callId))!.endedAt!;
    await h!.clock.advanceTo(secondEnd + 119 * SECOND);
    expect(h!.finished.has(82)).toBe(false);
    await h!.clock.advanceTo(secondEnd + 121 * SECOND);
    expect(h!.finished.get(82)?.status).toBe('completed');
    expect(await h!.finishPayload(82)).toMatchObject({ contact_total: 1, contact_success: 1 });
    const updates = await h!.updates(82);
    expect(updates.map((u) => u.status)).toEqual(['ANSWERED', 'ANSWERED']);
  });

  it('dnc lists the number with the agent and campaign as source, and blocks the next campaign that reaches it', async () => {
    let dnc: ReturnType<typeof dncRepository> | undefined;
    await deskFloor({
      defaultProfile: { ruleSet: 'vn-decree-91', purpose: 'advertising', callerId: 'CCS-BRAND' },
      policy: (_base, db, track) => {
        dnc = track(dncRepository(db!));
        return complianceDialPolicy({ dnc, history: track(attemptHistory(db!)), timeZone: TIME_ZONE, logger: silentLogger });
      },
    });
    await h!.sendCampaign({ id: 83, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000104' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    expect(await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'do-not-call' })).toMatchObject({ ok: true, reopened: false });
    expect(await dnc!.get('0912000104')).toMatchObject({ source: `disposition by ${A}, campaign 83` });
    h!.engine.readyAgent(A);
    await h!.clock.advanceBy(SECOND);
    expect(h!.finished.get(83)?.status).toBe('completed');

    await h!.sendCampaign({ id: 84, startsAt: T0 + 2 * DAY, endsAt: T0 + 2 * DAY + 8 * HOUR, contacts: [{ id: 1, phone: '+84912000104' }] });
    await h!.clock.advanceTo(T0 + 2 * DAY + MINUTE);
    expect(h!.placedFor(84)).toHaveLength(0);
    expect((await h!.updates(84)).map((u) => u.status)).toEqual(['DNC']);
  });

  it('the earliest feasible callback time follows calling hours, frequency caps and the campaign window', async () => {
    await deskFloor({
      defaultProfile: { ruleSet: 'vn-decree-91', purpose: 'advertising', callerId: 'CCS-BRAND' },
      policy: (_base, db, track) => complianceDialPolicy({ dnc: track(dncRepository(db!)), history: track(attemptHistory(db!)), timeZone: TIME_ZONE, logger: silentLogger }),
    });
    // T0 is 09:00 local; the campaign ends at 19:00 the next day.
    await h!.sendCampaign({ id: 85, startsAt: T0, endsAt: T0 + DAY + 10 * HOUR, contacts: [{ id: 1, phone: '0912000105' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!;
    // One call per 24 h under Decree 91: an hour later is not possible; 24 h after the first call is, inside 08:00–17:00.
    const fit = await h!.engine.dispositions.earliestCallback(85, 1, T0 + HOUR);
    expect(fit.at).toBe(first.at + DAY);
    expect(fit.reason).toMatch(/^frequency-cap-24h/);
    // Asked for 18:00 tomorrow: closed hours, the next opening is the day after, 08:00 — after the campaign ends.
    expect(await h!.engine.dispositions.earliestCallback(85, 1, T0 + DAY + 9 * HOUR)).toEqual({ at: null, reason: 'after-campaign-end' });
    const refused = await h!.engine.dispositions.record({ agentCode: A, callId: first.request.callId, code: 'call-back', callback: { at: T0 + 3 * DAY, forAgent: null } });
    expect(refused).toMatchObject({ ok: false, error: 'callback-time' });
    expect(await h!.store.getContact(85, 1)).toMatchObject({ state: 'final' });
    const saved = await h!.engine.dispositions.record({ agentCode: A, callId: first.request.callId, code: 'call-back', callback: { at: T0 + HOUR, forAgent: null } });
    expect(saved).toEqual({ ok: true, reopened: true, callbackAt: first.at + DAY });
  });

  it('a callback left when the campaign ends is missed, and the campaign expires with the contract counts', async () => {
    await deskFloor();
    await h!.sendCampaign({ id: 86, startsAt: T0, endsAt: T0 + 2 * HOUR, contacts: [{ id: 1, phone: '0912000106' }, { id: 2, phone: '0912000107' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'call-back', callback: { at: T0 + HOUR + 59 * MINUTE, forAgent: A } });
    h!.engine.pauseAgent(A, 'lunch');
    h!.engine.readyAgent(A);
    h!.engine.pauseAgent(A, 'lunch');
    await h!.clock.advanceTo(T0 + 2 * HOUR + MINUTE);
    expect(h!.finished.get(86)?.status).toBe('expired');
    expect(await h!.finishPayload(86)).toEqual({ campaignid: 86, status: 'expired', contact_total: 2, contact_success: 1 });
    const [cb] = await h!.callbacks!.listScheduledCallbacks({ campaignId: 86, limit: 10 });
    expect(cb).toMatchObject({ state: 'scheduled', campaignState: 'finished' });
  });

  it('a close does not wait for dispositions: the callback is missed, and a callback asked for afterwards is refused with nothing written', async () => {
    await deskFloor({}, [A, B]);
    await h!.sendCampaign({ id: 91, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000113' }, { id: 2, phone: '0912000114' }] });
    await h!.clock.advanceBy(MINUTE);
    const [first, second] = h!.placed.map((p) => p.request.callId);
    await h!.engine.dispositions.record({ agentCode: agentOf(first!)!, callId: first!, code: 'call-back', callback: { at: T0 + HOUR, forAgent: null } });
    // The other call is in wrap-up, awaiting its code: the close finishes the campaign anyway.
    expect(await h!.engine.closeCampaign(91)).toBe('closed');
    await h!.clock.advanceBy(SECOND);
    expect(h!.finished.get(91)?.status).toBe('closed');
    expect(await h!.finishPayload(91)).toEqual({ campaignid: 91, status: 'closed', contact_total: 2, contact_success: 2 });
    const [cb] = await h!.callbacks!.listScheduledCallbacks({ campaignId: 91, limit: 10 });
    expect(cb).toMatchObject({ state: 'scheduled', campaignState: 'finished' });
    const late = await h!.engine.dispositions.record({ agentCode: agentOf(second!)!, callId: second!, code: 'call-back', callback: { at: T0 + HOUR, forAgent: null } });
    expect(late).toMatchObject({ ok: false, error: 'callback-time' });
    expect((await h!.store.getAttempt(second!))!.disposition).toBeNull();
    // A code without a callback is still kept with the attempt; the contact is not reopened.
    expect(await h!.engine.dispositions.record({ agentCode: agentOf(second!)!, callId: second!, code: 'try-again' })).toEqual({ ok: true, reopened: false, callbackAt: null });
    expect(await h!.store.getContact(91, 2)).toMatchObject({ state: 'final' });
  });

  it('by default the update keeps the 13 contract fields and goes at the end of the call', async () => {
    await deskFloor();
    await h!.sendCampaign({ id: 87, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000108' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    const [row] = await h!.store.listCallbacks({ campaignId: 87, limit: 10 });
    const endedAt = (await h!.store.getAttempt(first))!.endedAt!;
    expect(row!.nextAttemptAt).toBe(endedAt);
    await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'done' });
    const [update] = await h!.updates(87);
    expect(Object.keys(update!).sort()).toEqual(
      ['agentcode', 'answertime', 'callid', 'campaignid', 'contact_id', 'duration', 'endtime', 'link_down_record', 'phonenumber', 'ringtime', 'starttime', 'station_id', 'status'].sort(),
    );
  });

  it('with the extra fields on, the update waits for the disposition (up to the wrap-up limit) and carries it with the note', async () => {
    await deskFloor({ settings: { crmExtraFields: true } });
    await h!.sendCampaign({ id: 88, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000109' }, { id: 2, phone: '0912000110' }] });
    await h!.clock.advanceBy(MINUTE);
    const first = h!.placed[0]!.request.callId;
    const endedAt = (await h!.store.getAttempt(first))!.endedAt!;
    const held = (await h!.store.listCallbacks({ campaignId: 88, limit: 10 }))[0]!;
    expect(held.nextAttemptAt).toBe(endedAt + 120 * SECOND);
    expect(await h!.store.claimDueCallbacks(h!.clock.now(), 10, 60_000)).toEqual([]);
    await h!.store.setAttemptNote(first, 'wants the premium plan');
    await h!.engine.dispositions.record({ agentCode: A, callId: first, code: 'done' });
    const [released] = await h!.store.listCallbacks({ campaignId: 88, limit: 10 });
    expect(released!.nextAttemptAt).toBe(h!.clock.now());
    expect(JSON.parse(released!.payload)).toMatchObject({ callid: first, status: 'ANSWERED', disposition: 'done', note: 'wants the premium plan' });

    // The next call gets no disposition: its update goes out at the wrap-up limit without the extra fields.
    h!.engine.readyAgent(A);
    await h!.clock.advanceBy(MINUTE);
    const second = h!.placed[1]!.request.callId;
    const row = (await h!.store.listCallbacks({ campaignId: 88, limit: 10 })).find((c) => c.idempotencyKey === second)!;
    const secondEnd = (await h!.store.getAttempt(second))!.endedAt!;
    expect(row.nextAttemptAt).toBe(secondEnd + 120 * SECOND);
    expect(JSON.parse(row.payload).disposition).toBeUndefined();
  });
});

const DAY = 24 * HOUR;
