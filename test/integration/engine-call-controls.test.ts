/**
 * Call controls through the engine on the simulated floor, in virtual time, on SQLite and
 * PostgreSQL, with agents at a desk: hold time is measured per attempt and lands in the report
 * rollup's hold column (not in talk); after a transfer, a consult or a conference the attempt
 * is still reported once with the contract's 13 fields, naming the agent who first took the
 * call, the whole call's duration and one recording; a transfer's target is reserved, talks,
 * and wraps up after; the first agent wraps up at once on a completed transfer; refusals
 * (busy target, outside number not allowed, an agent not on the call) change nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, HOUR, MINUTE, SECOND, startEngineHarness, T0, type EngineHarness, type HarnessOptions } from '../support/engine-harness.ts';

const A = 'Agent/7001';
const B = 'Agent/7002';
const CONTRACT_FIELDS = ['agentcode', 'answertime', 'callid', 'campaignid', 'contact_id', 'duration', 'endtime', 'link_down_record', 'phonenumber', 'ringtime', 'starttime', 'station_id', 'status'];

describe.each(DIALECTS)('call controls through the engine on %s', (dialect) => {
  let h: EngineHarness | undefined;
  let sql: SqlDatabase | undefined;
  afterEach(async () => {
    await sql?.store.close();
    sql = undefined;
    await h?.close();
    h = undefined;
  });

  /** Desk agents A (70 0) and B (70 1); one customer answering after 5 s and talking 60 s once bridged. */
  async function floor(options: Partial<HarnessOptions> = {}): Promise<{ callId: string; first: string; other: string }> {
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, fallback: answers(5, 60), ...options, settings: { maxWrapUpSeconds: 120, ...options.settings } });
    await h.engine.signInAgent({ agentCode: A, stationId: '700' });
    await h.engine.signInAgent({ agentCode: B, stationId: '701' });
    await h.clock.advanceBy(SECOND);
    await h.sendCampaign({ id: 90, startsAt: T0, endsAt: T0 + 8 * HOUR, contacts: [{ id: 1, phone: '0912000101' }] });
    await h.clock.advanceBy(10 * SECOND);
    const callId = h.placed[0]!.request.callId;
    const first = h.engine.agents().find((a) => a.callId === callId)!.agentCode;
    expect(h.engine.agents().find((a) => a.agentCode === first)!.shift.state).toBe('talking');
    return { callId, first, other: first === A ? B : A };
  }
  const stateOf = (code: string) => h!.engine.agents().find((a) => a.agentCode === code)?.shift.state;
  const connectedAt = (callId: string) => (h!.events.find((e) => e.type === 'connected' && e.callId === callId) as { at: number }).at;
  async function rollup(): Promise<{ talk_ms: number; hold_ms: number }> {
    sql ??= await openSqlDatabase(h!.database!.url);
    const rows = await sql.db.selectFrom('report_hourly').select(['talk_ms', 'hold_ms']).where('campaign_id', '=', 90).execute();
    return rows.reduce((sum, r) => ({ talk_ms: sum.talk_ms + Number(r.talk_ms), hold_ms: sum.hold_ms + Number(r.hold_ms) }), { talk_ms: 0, hold_ms: 0 });
  }

  it('measures hold per attempt: two holds of 10 s and 5 s count 15 s of hold in the rollup and the rest as talk', async () => {
    const { callId, first } = await floor();
    expect(await h!.engine.callControl(first, { type: 'hold' })).toEqual({ ok: true });
    await h!.clock.advanceBy(10 * SECOND);
    expect(h!.engine.callControlView(callId)).toMatchObject({ held: true, heldSince: expect.any(Number) });
    await h!.engine.callControl(first, { type: 'resume' });
    await h!.clock.advanceBy(5 * SECOND);
    await h!.engine.callControl(first, { type: 'hold' });
    await h!.clock.advanceBy(5 * SECOND);
    await h!.engine.callControl(first, { type: 'resume' });
    await h!.clock.advanceBy(MINUTE);
    const [update] = await h!.updates(90);
    expect(Object.keys(update!).sort()).toEqual(CONTRACT_FIELDS);
    expect(update).toMatchObject({ status: 'ANSWERED', agentcode: first });
    const totals = await rollup();
    expect(totals.hold_ms).toBe(15_000);
    expect(totals.talk_ms).toBe(60_000 - 15_000);
  });

  it('attended transfer: the target is reserved, talks, and has the customer; the first agent wraps up at once; one update names the first agent over the whole call', async () => {
    const { callId, first, other } = await floor();
    const answeredAt = (h!.events.find((e) => e.type === 'answered' && e.callId === callId) as { at: number }).at;
    expect(await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'agent', agentCode: other }, mode: 'attended' })).toEqual({ ok: true });
    expect(stateOf(other)).toBe('reserved');
    await h!.clock.advanceBy(2 * SECOND);
    expect(stateOf(other)).toBe('talking');
    expect(h!.engine.callControlView(callId)).toMatchObject({ held: true, transfer: { phase: 'answered', party: { kind: 'agent', agentCode: other } } });
    // Only the agent who has the customer acts on the call.
    expect(await h!.engine.callControl(other, { type: 'complete' })).toMatchObject({ ok: false, refusal: 'not-connected' });
    expect(await h!.engine.callControl(first, { type: 'complete' })).toEqual({ ok: true });
    await h!.clock.advanceBy(SECOND);
    expect(stateOf(first)).toBe('wrap-up');
    expect(stateOf(other)).toBe('talking');
    expect(h!.engine.callControlView(callId)).toMatchObject({ handler: other, transferredTo: { kind: 'agent', agentCode: other }, held: false });
    expect(await h!.engine.callControl(first, { type: 'hold' })).toMatchObject({ ok: false, refusal: 'no-call' });

    await h!.clock.advanceBy(2 * MINUTE);
    expect(stateOf(other)).toBe('wrap-up');
    const updates = await h!.updates(90);
    expect(updates).toHaveLength(1);
    const [update] = updates;
    expect(Object.keys(update!).sort()).toEqual(CONTRACT_FIELDS);
    const firstStation = first === A ? '700' : '701';
    expect(update).toMatchObject({ status: 'ANSWERED', agentcode: first, station_id: firstStation, link_down_record: expect.stringContaining(callId) });
    // Duration: the whole call, until the customer left (60 s of talk after the first bridge).
    const ended = h!.events.find((e) => e.type === 'ended' && e.callId === callId) as { at: number };
    expect(ended.at - connectedAt(callId)).toBe(60_000);
    expect(update!.duration).toBe(Math.round((ended.at - h!.placed[0]!.at) / 1000));
    expect(update!.answertime).not.toBeNull();
    expect(answeredAt).toBeLessThan(ended.at);
    // The disposition is the target's now (it had the customer last).
    expect(await h!.engine.dispositions.record({ agentCode: other, callId, code: 'done' })).toMatchObject({ ok: true });
  });

  it('blind transfer to a ready agent completes when it answers; a paused agent is refused as busy and nothing changes', async () => {
    const { callId, first, other } = await floor();
    h!.engine.pauseAgent(other, 'break');
    expect(await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'agent', agentCode: other }, mode: 'blind' })).toMatchObject({ ok: false, refusal: 'target-busy' });
    expect(h!.engine.callControlView(callId)).toMatchObject({ held: false, transfer: null });
    expect(stateOf(other)).toBe('paused');
    h!.engine.readyAgent(other);
    expect(await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'agent', agentCode: other }, mode: 'blind' })).toEqual({ ok: true });
    // A second transfer before the first's target answers is refused.
    expect(await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'number', number: '0987000000' }, mode: 'blind' })).toMatchObject({ ok: false, refusal: 'transfer-state' });
    await h!.clock.advanceBy(100);
    expect(h!.engine.callControlView(callId)).toMatchObject({ held: true, transfer: { mode: 'blind', phase: 'ringing' } });
    await h!.clock.advanceBy(2 * SECOND);
    expect(stateOf(first)).toBe('wrap-up');
    expect(stateOf(other)).toBe('talking');
  });

  it('a consult cancelled returns the customer to the first agent; the consulted agent wraps up its part', async () => {
    const { callId, first, other } = await floor();
    await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'agent', agentCode: other }, mode: 'attended' });
    await h!.clock.advanceBy(2 * SECOND);
    expect(await h!.engine.callControl(first, { type: 'cancel' })).toEqual({ ok: true });
    await h!.clock.advanceBy(SECOND);
    expect(h!.engine.callControlView(callId)).toMatchObject({ held: false, transfer: null, handler: first, transferredTo: null });
    expect(stateOf(first)).toBe('talking');
    expect(stateOf(other)).toBe('wrap-up');
  });

  it('a conference keeps both agents on the call until the customer leaves; both wrap up then; one update', async () => {
    const { callId, first, other } = await floor();
    await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'agent', agentCode: other }, mode: 'attended' });
    await h!.clock.advanceBy(2 * SECOND);
    expect(await h!.engine.callControl(first, { type: 'conference' })).toEqual({ ok: true });
    await h!.clock.advanceBy(SECOND);
    expect(h!.engine.callControlView(callId)).toMatchObject({ transfer: { phase: 'conference' }, held: false });
    expect([stateOf(first), stateOf(other)]).toEqual(['talking', 'talking']);
    await h!.clock.advanceBy(2 * MINUTE);
    expect([stateOf(first), stateOf(other)]).toEqual(['wrap-up', 'wrap-up']);
    expect(await h!.updates(90)).toHaveLength(1);
  });

  it('a manual call transferred to another agent releases both: the first at the transfer, the target at the end', async () => {
    h = await startEngineHarness({ dialect, sim: { agents: 0 }, fallback: answers(5, 30), settings: { maxWrapUpSeconds: 120 } });
    await h.engine.signInAgent({ agentCode: A, stationId: '700' });
    await h.engine.signInAgent({ agentCode: B, stationId: '701' });
    await h.clock.advanceBy(SECOND);
    expect((await h.engine.manualDial(A, '0912000222')).ok).toBe(true);
    await h.clock.advanceBy(10 * SECOND);
    expect(stateOf(A)).toBe('talking');
    expect(await h.engine.callControl(A, { type: 'transfer', target: { kind: 'agent', agentCode: B }, mode: 'blind' })).toEqual({ ok: true });
    await h.clock.advanceBy(2 * SECOND);
    expect([stateOf(A), stateOf(B)]).toEqual(['wrap-up', 'talking']);
    await h.clock.advanceBy(MINUTE);
    expect(stateOf(B)).toBe('wrap-up');
    expect(h.engine.controlledCallOf(B)).toBeNull();
  });

  it("a transfer to a supervisor's phone hands the call over: the first agent wraps up, the update still names it", async () => {
    const { callId, first } = await floor();
    const target = { kind: 'supervisor' as const, username: 'minh', endpoint: 'PJSIP/sup1' };
    expect(await h!.engine.callControl(first, { type: 'transfer', target, mode: 'blind' })).toEqual({ ok: true });
    await h!.clock.advanceBy(2 * SECOND);
    expect(stateOf(first)).toBe('wrap-up');
    expect(h!.engine.callControlView(callId)).toMatchObject({ transferredTo: { kind: 'agent', agentCode: 'Supervisor/minh' }, handler: 'Supervisor/minh' });
    await h!.clock.advanceBy(2 * MINUTE);
    expect(await h!.updates(90)).toMatchObject([{ status: 'ANSWERED', agentcode: first }]);
  });

  it('outside numbers: refused unless the profile allows their prefix; a transfer to one frees the first agent', async () => {
    const { first } = await floor();
    expect(await h!.engine.callControl(first, { type: 'transfer', target: { kind: 'number', number: '0987000000' }, mode: 'blind' })).toMatchObject({ ok: false, refusal: 'number-not-allowed' });
    await h!.close();
    await sql?.store.close();
    sql = undefined;
    const again = await floor({ defaultProfile: { transferNumberPrefixes: ['09'] } });
    expect(await h!.engine.callControl(again.first, { type: 'transfer', target: { kind: 'number', number: '0812000000' }, mode: 'blind' })).toMatchObject({ ok: false, refusal: 'number-not-allowed' });
    expect(await h!.engine.callControl(again.first, { type: 'transfer', target: { kind: 'number', number: '0987000000' }, mode: 'blind' })).toEqual({ ok: true });
    await h!.clock.advanceBy(3 * SECOND);
    expect(stateOf(again.first)).toBe('wrap-up');
    await h!.clock.advanceBy(2 * MINUTE);
    expect(await h!.updates(90)).toMatchObject([{ status: 'ANSWERED', agentcode: again.first }]);
  });
});
