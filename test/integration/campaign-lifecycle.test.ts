/**
 * Campaign lifecycle without dialing (no agents on the floor), driven by a virtual clock:
 * scheduled → running at starttime → finished at endtime (expired) or on close (closed),
 * with exactly one finishCampaign reaching the CRM. SQLite and PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { campaignBody } from '../support/campaigns.ts';
import { TestCrm, waitFor } from '../support/crm-receiver.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

const T0 = Date.UTC(2026, 5, 1, 2, 0, 0); // 09:00 in Ho Chi Minh City
const MINUTE = 60_000;

describe.each(DIALECTS)('campaign lifecycle on %s (virtual time)', (dialect) => {
  let svc: RunningService | undefined;
  let crm: TestCrm | undefined;
  let clock: VirtualClock;

  async function start() {
    clock = new VirtualClock(T0);
    crm = new TestCrm();
    await crm.start();
    svc = await startService(dialect, { CCS_CRM_URL: crm.url }, { clock });
    return svc;
  }
  const state = async (id: number) => (await svc!.request('GET', `/ops/campaigns/${id}`)).json;

  afterEach(async () => {
    await svc?.stop();
    await crm?.stop();
    svc = undefined;
  });

  it('stays scheduled before starttime, runs from starttime and expires at endtime', async () => {
    await start();
    const body = campaignBody(11, { now: T0, startInMs: 10 * MINUTE, lengthMs: 30 * MINUTE, contacts: 3 });
    expect((await svc!.request('POST', '/api/sendCampaign', { body })).status).toBe(200);
    expect((await state(11)).state).toBe('scheduled');

    await clock.advanceTo(T0 + 10 * MINUTE - 1000);
    expect((await state(11)).state).toBe('scheduled');
    await clock.advanceTo(T0 + 10 * MINUTE);
    // The start is written in the background (retried while the store refuses writes), so on a
    // loaded machine PostgreSQL may take a moment after the timer has fired.
    await waitFor(async () => (await state(11)).state === 'running');

    await clock.advanceTo(T0 + 40 * MINUTE - 1000);
    expect((await state(11)).state).toBe('running');
    expect(crm!.finishes(11)).toHaveLength(0);
    await clock.advanceTo(T0 + 40 * MINUTE);
    await waitFor(() => crm!.finishes(11).length === 1);
    expect(crm!.finishes(11)[0]).toEqual({ campaignid: 11, status: 'expired', contact_total: 3, contact_success: 0 });
    expect(await state(11)).toMatchObject({ state: 'finished', finishStatus: 'expired', finishedAt: '2026-06-01 09:40:00' });
  });

  it('closes a running campaign at once when no call is up, and ignores its later endtime', async () => {
    await start();
    await svc!.request('POST', '/api/sendCampaign', { body: campaignBody(12, { now: T0, startInMs: 0, lengthMs: 60 * MINUTE }) });
    await clock.advanceBy(1000);
    await waitFor(async () => (await state(12)).state === 'running');
    expect((await svc!.request('GET', '/api/closeCampaign/12')).json).toEqual({ campaignid: 12, status: 1 });
    await waitFor(() => crm!.finishes(12).length === 1);
    expect(crm!.finishes(12)[0]).toMatchObject({ status: 'closed', contact_total: 2 });
    await clock.advanceTo(T0 + 2 * 60 * MINUTE);
    await new Promise((r) => setTimeout(r, 200));
    expect(crm!.finishes(12)).toHaveLength(1);
  });

  it('keeps contacts pending with their next-attempt time and zero attempts while nothing dials', async () => {
    await start();
    await svc!.request('POST', '/api/sendCampaign', { body: campaignBody(13, { now: T0, startInMs: 5 * MINUTE }) });
    const contacts = (await svc!.request('GET', '/ops/campaigns/13/contacts')).json.contacts;
    expect(contacts).toHaveLength(2);
    for (const c of contacts) expect(c).toMatchObject({ state: 'pending', attempts: 0, nextAttemptAt: '2026-06-01 09:05:00', outcome: null });
  });
});
