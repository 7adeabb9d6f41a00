/**
 * A restart while a campaign is stopping, in virtual time, on SQLite and PostgreSQL. CCS dies
 * (or is stopped) after a close or after `endtime` while calls are still connected; at the
 * next start the calls it had in flight are adopted and reported before the campaign can
 * finish, so the CRM gets every updateCampaign before the finishCampaign (decision 3.9) and
 * `contact_success` counts every contact answered (decision 3.6).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  contactsFor,
  ringsForever,
  HOUR,
  MINUTE,
  phoneNumbers,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessOptions,
} from '../support/engine-harness.ts';

describe.each(DIALECTS)('restart while stopping on %s', (dialect) => {
  const open: EngineHarness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0).reverse()) await h.close();
  });
  const start = async (options: Omit<HarnessOptions, 'dialect'>) => {
    const h = await startEngineHarness({ dialect, ...options });
    open.push(h);
    return h;
  };

  /** One short call that ends (ANSWERED) before the stop, three long ones still connected at the stop. */
  const floor = () => {
    const [quick, ...talkers] = phoneNumbers(4);
    return {
      numbers: { [quick!]: answers(3, 10), ...Object.fromEntries(talkers.map((n) => [n, answers(3, 600)])) },
      contacts: contactsFor([quick!, ...talkers]),
    };
  };

  /** The outbox as the CRM will get it (claim order): every update of the campaign, then its one finish. */
  async function expectUpdatesThenFinish(h: EngineHarness, campaignId: number) {
    const rows = (await h.store.listCallbacks({ campaignId, limit: 1000 })).sort((a, b) => a.id - b.id);
    const kinds = rows.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'finish')).toEqual(['finish']);
    expect(kinds.at(-1)).toBe('finish');
    expect(await h.store.openAttempts()).toEqual([]);
  }

  it('after a close with calls connected and a crash, adopts and reports the calls before the campaign finishes', async () => {
    const { numbers, contacts } = floor();
    const before = await start({ sim: { agents: 4 }, numbers, defaultProfile: { retry: { maxAttempts: 2, delaySeconds: 600 } } });
    await before.sendCampaign({ id: 60, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts });
    await before.clock.advanceBy(30 * SECOND);
    expect(before.engine.liveCalls().map((c) => c.state)).toEqual(['connected', 'connected', 'connected']);
    expect(await before.engine.closeCampaign(60)).toBe('closed');
    await before.clock.advanceBy(5 * SECOND);
    expect(before.finished.has(60)).toBe(false); // the connected calls go on
    await before.crash();

    const after = await start({ database: before.database!, startAt: T0 + 2 * MINUTE, sim: { agents: 4 } });
    expect(await after.runUntilFinished(60, HOUR)).toBe(true);
    const updates = await after.updates(60);
    expect(updates.map((u) => [u.callid, u.status]).sort()).toEqual([1, 2, 3, 4].map((c) => [attemptCallId(60, c, 1), 'ANSWERED']));
    await expectUpdatesThenFinish(after, 60);
    expect(await after.finishPayload(60)).toEqual({ campaignid: 60, status: 'closed', contact_total: 4, contact_success: 4 });
    expect(after.placed).toEqual([]);
  });

  it('after endtime with calls connected and a crash, finishes expired only once the adopted calls are reported', async () => {
    const { numbers, contacts } = floor();
    const before = await start({ sim: { agents: 4 }, numbers });
    await before.sendCampaign({ id: 61, startsAt: T0, endsAt: T0 + 20 * SECOND, contacts });
    await before.clock.advanceBy(30 * SECOND);
    expect((await before.store.getCampaign(61))?.state).toBe('stopping');
    expect(before.engine.liveCalls()).toHaveLength(3);
    await before.crash();

    const after = await start({ database: before.database!, startAt: T0 + 2 * MINUTE, sim: { agents: 4 } });
    expect(await after.runUntilFinished(61, HOUR)).toBe(true);
    expect((await after.updates(61)).filter((u) => u.status === 'ANSWERED')).toHaveLength(4);
    await expectUpdatesThenFinish(after, 61);
    expect(await after.finishPayload(61)).toEqual({ campaignid: 61, status: 'expired', contact_total: 4, contact_success: 4 });
  });

  // The calls up at the crash are reported with their last known instant (before endtime) as
  // their end: every contact was then final before endtime, which is `completed` (decision 3.6).
  it('after endtime passed while CCS was down, reports the calls that were up before the campaign finishes', async () => {
    const { numbers, contacts } = floor();
    const before = await start({ sim: { agents: 4 }, numbers });
    await before.sendCampaign({ id: 62, startsAt: T0, endsAt: T0 + 1 * MINUTE, contacts });
    await before.clock.advanceBy(30 * SECOND);
    expect((await before.store.getCampaign(62))?.state).toBe('running');
    await before.crash();

    const after = await start({ database: before.database!, startAt: T0 + 5 * MINUTE, sim: { agents: 4 } });
    expect(await after.runUntilFinished(62, HOUR)).toBe(true);
    await expectUpdatesThenFinish(after, 62);
    expect(await after.finishPayload(62)).toEqual({ campaignid: 62, status: 'completed', contact_total: 4, contact_success: 4 });
  });

  it('a clean stop hangs up unanswered legs, reports the calls that end within the grace and leaves the others to the next start', async () => {
    const [quick, talker, ringer] = phoneNumbers(3);
    const before = await start({
      sim: { agents: 4 },
      numbers: { [quick!]: answers(3, 10), [talker!]: answers(3, 600), [ringer!]: ringsForever },
      defaultProfile: { retry: { maxAttempts: 3, delaySeconds: 600 }, ringTimeoutSeconds: 120 },
    });
    await before.sendCampaign({ id: 63, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor([quick!, talker!, ringer!]) });
    await before.clock.advanceBy(5 * SECOND);
    expect(before.engine.liveCalls().map((c) => [c.contactId, c.state]).sort()).toEqual([
      [1, 'connected'],
      [2, 'connected'],
      [3, 'ringing'],
    ]);
    const stopped = before.engine.stop({ graceMs: 30 * SECOND });
    await before.clock.advanceBy(30 * SECOND);
    await stopped;
    expect((await before.updates(63)).map((u) => [u.contact_id, u.status]).sort()).toEqual([
      [1, 'ANSWERED'],
      [3, 'NO ANSWER'],
    ]);
    expect(before.placed).toHaveLength(3); // nothing dialled after the stop began, not even the retry
    expect((await before.store.openAttempts()).map((a) => a.callId)).toEqual([attemptCallId(63, 2, 1)]);
    await before.crash();

    const after = await start({ database: before.database!, startAt: T0 + 2 * MINUTE, sim: { agents: 4 }, defaultProfile: { retry: { maxAttempts: 3, delaySeconds: 600 } } });
    expect(await after.engine.closeCampaign(63)).toBe('closed');
    expect(await after.runUntilFinished(63, HOUR)).toBe(true);
    expect((await after.updates(63)).map((u) => [u.contact_id, u.status]).sort()).toEqual([
      [1, 'ANSWERED'],
      [2, 'ANSWERED'],
      [3, 'NO ANSWER'],
    ]);
    await expectUpdatesThenFinish(after, 63);
    expect(await after.finishPayload(63)).toEqual({ campaignid: 63, status: 'closed', contact_total: 3, contact_success: 2 });
  });
});
