/**
 * Supervisors' campaign control in the engine, on the simulated floor in virtual time, over
 * SQLite and PostgreSQL: a paused campaign places no new leg while the others dial on, resumes,
 * stays paused across a restart and still expires at its endtime with every update before its
 * finish; a pacing override applies on the next dial pass; a moved agent takes its new group's
 * calls only; every change leaves an audit row, and a refused change leaves nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { campaignControlRepository } from '../../src/store/campaign-control-repository.ts';
import { openSqlDatabase } from '../../src/store/sql-store.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, contactsFor, MINUTE, phoneNumbers, ringsForever, SECOND, startEngineHarness, T0, type EngineHarness, type HarnessOptions } from '../support/engine-harness.ts';

describe.each(DIALECTS)('campaign control, on %s', (dialect) => {
  const harnesses: EngineHarness[] = [];
  const start = async (options: Partial<HarnessOptions> = {}) => {
    const h = await startEngineHarness({ dialect, ...options });
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of harnesses.splice(0).reverse()) await h.close().catch(() => {});
  });

  it('a paused campaign places no new call while another keeps dialling; its calls in progress end and are reported; resume dials it again', async () => {
    const h = await start({ sim: { agents: 2, wrapUpSeconds: 5 }, fallback: answers(5, 60) });
    await h.sendCampaign({ id: 1, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(40, 100)) });
    await h.sendCampaign({ id: 2, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(40, 300)) });
    await h.clock.advanceBy(30 * SECOND);
    expect(h.placedFor(1).length).toBeGreaterThan(0);

    const paused = await h.engine.controls.pause(1, 'sup1');
    expect(paused).toMatchObject({ ok: true, changed: true, value: { paused: true } });
    const pausedAt = h.clock.now();
    const placedBefore = h.placedFor(1).length;
    const twoBefore = h.placedFor(2).length;
    await h.clock.advanceBy(10 * MINUTE);

    expect(h.placedFor(1).length).toBe(placedBefore);
    expect(h.placedFor(1).every((p) => p.at < pausedAt)).toBe(true);
    expect(h.placedFor(2).length).toBeGreaterThan(twoBefore + 5);
    // The calls it had in progress ended normally: one update per placed leg.
    expect((await h.updates(1)).length).toBe(placedBefore);
    expect(h.engine.liveCalls().filter((c) => c.campaignId === 1)).toEqual([]);
    expect((await h.store.getCampaign(1))?.state).toBe('running');

    expect(await h.engine.controls.pause(1, 'sup1')).toMatchObject({ ok: true, changed: false });
    const resumed = await h.engine.controls.resume(1, 'sup2');
    expect(resumed).toMatchObject({ ok: true, changed: true, value: { paused: false } });
    const resumedAt = h.clock.now();
    await h.clock.advanceBy(3 * MINUTE);
    const after = h.placedFor(1).filter((p) => p.at >= resumedAt);
    expect(after.length).toBeGreaterThan(0);

    const audit = await h.engine.controls.audit({ targetKind: 'campaign', targetId: '1' });
    expect(audit.map((a) => [a.action, a.actor, a.before.paused, a.after.paused])).toEqual([
      ['resume', 'sup2', true, false],
      ['pause', 'sup1', false, true],
    ]);
    expect(audit[1]!.at).toBe(pausedAt);
  });

  it('a pause survives a restart; endtime while paused finishes the campaign expired with its counts, after every update', async () => {
    const before = await start({ sim: { agents: 2, wrapUpSeconds: 5 }, fallback: answers(5, 60) });
    await before.sendCampaign({ id: 5, startsAt: T0, endsAt: T0 + 20 * MINUTE, contacts: contactsFor(phoneNumbers(30, 500)) });
    await before.clock.advanceBy(2 * MINUTE);
    await before.engine.controls.pause(5, 'sup1');
    // Let the calls in progress end so the crash leaves nothing to adopt.
    await before.clock.advanceBy(3 * MINUTE);
    const placed = before.placedFor(5).length;
    expect(placed).toBeGreaterThan(0);
    await before.crash();

    const after = await start({ database: before.database!, startAt: T0 + 5 * MINUTE, sim: { agents: 2, wrapUpSeconds: 5 }, fallback: answers(5, 60) });
    expect(after.engine.controls.isPaused(5)).toBe(true);
    expect(await after.runUntilFinished(5, 30 * MINUTE, 30 * SECOND)).toBe(true);
    expect(after.placedFor(5)).toEqual([]);
    expect(after.finished.get(5)).toEqual({ status: 'expired', at: T0 + 20 * MINUTE });

    const updates = await after.updates(5);
    expect(updates.length).toBe(placed);
    const answeredContacts = new Set(updates.filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id));
    expect(await after.finishPayload(5)).toEqual({ campaignid: 5, status: 'expired', contact_total: 30, contact_success: answeredContacts.size });
    const rows = await after.store.listCallbacks({ campaignId: 5, limit: 1000 });
    const finishId = rows.find((r) => r.kind === 'finish')!.id;
    expect(rows.filter((r) => r.kind === 'update').every((r) => r.id < finishId)).toBe(true);
    // A finished campaign has nothing left to control.
    expect(await after.engine.controls.resume(5, 'sup1')).toEqual({ ok: false, error: 'not-active' });
  });

  it('a pacing change applies on the next dial pass, within 2 s; a bad value changes nothing', async () => {
    const h = await start({ sim: { agents: 4 }, fallback: ringsForever, defaultProfile: { ringTimeoutSeconds: 120 } });
    await h.sendCampaign({ id: 7, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(50, 700)) });
    await h.clock.advanceBy(10 * SECOND);
    // Progressive: one leg per available agent.
    expect(h.placedFor(7).length).toBe(4);

    expect(await h.engine.controls.setPacing(7, { dialMode: 'turbo' }, 'sup1')).toMatchObject({ ok: false, error: 'invalid', field: 'dialMode' });
    expect(await h.engine.controls.setPacing(7, { powerRatio: 11 }, 'sup1')).toMatchObject({ ok: false, error: 'invalid', field: 'powerRatio' });
    expect(await h.engine.controls.audit({ targetKind: 'campaign', targetId: '7' })).toEqual([]);
    await h.clock.advanceBy(5 * SECOND);
    expect(h.placedFor(7).length).toBe(4);

    const changedAt = h.clock.now();
    expect(await h.engine.controls.setPacing(7, { dialMode: 'power', powerRatio: 3 }, 'sup1')).toMatchObject({ ok: true, changed: true });
    await h.clock.advanceBy(2 * SECOND);
    // Power ×3: 4 agents × 3 = 12 legs up.
    expect(h.placedFor(7).length).toBe(12);
    expect(h.placedFor(7).slice(4).every((p) => p.at >= changedAt && p.at <= changedAt + 2 * SECOND)).toBe(true);

    const [row] = await h.engine.controls.audit({ targetKind: 'campaign', targetId: '7' });
    expect(row).toMatchObject({
      actor: 'sup1',
      action: 'pacing',
      before: { paused: false, dialMode: null, powerRatio: null, abandonTarget: null },
      after: { paused: false, dialMode: 'power', powerRatio: 3, abandonTarget: null },
    });
  });

  it('campaigns sharing an agent group are paced by the override a supervisor set last on one of them', async () => {
    const h = await start({ sim: { agents: 4 }, fallback: ringsForever, defaultProfile: { ringTimeoutSeconds: 120 } });
    await h.sendCampaign({ id: 8, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(50, 800)) });
    await h.sendCampaign({ id: 9, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(50, 1000)) });
    await h.clock.advanceBy(10 * SECOND);
    const legs = () => h.placedFor(8).length + h.placedFor(9).length;
    expect(legs()).toBe(4);
    // The second campaign (not the group's first) gets power ×2: the group's 4 agents get 8 legs.
    await h.engine.controls.setPacing(9, { dialMode: 'power', powerRatio: 2 }, 'sup1');
    await h.clock.advanceBy(2 * SECOND);
    expect(legs()).toBe(8);
    // Back to the profile: progressive again, no new leg while 8 ring.
    await h.engine.controls.setPacing(9, { dialMode: null, powerRatio: null }, 'sup1');
    await h.clock.advanceBy(5 * SECOND);
    expect(legs()).toBe(8);
  });

  it('an agent moved to another group takes that group’s calls only, and keeps the group across a restart', async () => {
    const profiles = [{ name: 'sales', typeIds: [2], agentGroup: 'sales' }];
    const h = await start({ sim: { agents: 2, wrapUpSeconds: 5 }, fallback: answers(5, 60), profiles });
    const connected: { agentCode: string; campaignId: number; at: number }[] = [];
    h.engine.events.on('call:connected', (e) => connected.push(e));
    await h.sendCampaign({ id: 20, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(40, 900)) });
    await h.clock.advanceBy(2 * MINUTE);
    const [a, b] = h.engine.agents().map((x) => x.agentCode).sort();
    expect(new Set(connected.map((c) => c.agentCode))).toEqual(new Set([a, b]));

    expect(await h.engine.controls.moveAgent(b!, 'nowhere', 'sup1')).toMatchObject({ ok: false, error: 'invalid' });
    expect(await h.engine.controls.moveAgent('Agent/none', 'sales', 'sup1')).toMatchObject({ ok: false, error: 'unknown' });
    const moved = await h.engine.controls.moveAgent(b!, 'sales', 'sup1');
    expect(moved).toMatchObject({ ok: true, changed: true });
    const movedAt = h.clock.now();
    await h.sendCampaign({ id: 21, typeId: 2, startsAt: T0, endsAt: T0 + 60 * MINUTE, contacts: contactsFor(phoneNumbers(40, 1200)) });
    await h.clock.advanceBy(10 * MINUTE);

    const later = connected.filter((c) => c.at > movedAt);
    expect(later.filter((c) => c.agentCode === b).length).toBeGreaterThan(2);
    expect(later.filter((c) => c.agentCode === b).every((c) => c.campaignId === 21)).toBe(true);
    expect(later.filter((c) => c.agentCode === a).length).toBeGreaterThan(2);
    expect(later.filter((c) => c.agentCode === a).every((c) => c.campaignId === 20)).toBe(true);
    expect(h.engine.agents().find((x) => x.agentCode === b)?.group).toBe('sales');

    const [row] = await h.engine.controls.audit({ targetKind: 'agent' });
    expect(row).toMatchObject({ actor: 'sup1', targetId: b, action: 'group', before: { group: 'default' }, after: { group: 'sales' }, at: movedAt });
    // Stored for the next start: the engine loads it before any agent comes on the floor.
    const opened = await openSqlDatabase(h.database!.url);
    try {
      expect(await campaignControlRepository(opened.db).loadAgentGroups()).toEqual([{ agentCode: b, group: 'sales' }]);
    } finally {
      await opened.store.close();
    }
  });
});
