/**
 * The recordings folder of a running CCS stops taking writes for a few seconds, for real:
 * its path is replaced by a regular file (mkdir and open then fail with ENOTDIR/EEXIST, even
 * for root, which a chmod would not stop), then put back. Real clock, fast simulated floor,
 * SQLite and PostgreSQL. Seen from the CRM receiver: every ANSWERED update carries a
 * link_down_record that downloads its recording, every update comes before the finish, and
 * /readyz said why it was not ready meanwhile.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { TestCrm, waitFor } from '../support/crm-receiver.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const CONTACTS = 24;

describe.each(DIALECTS)('recordings folder replaced by a file for a few seconds, on %s', (dialect) => {
  let svc: RunningService | undefined;
  let crm: TestCrm | undefined;
  let restore: (() => void) | undefined;
  afterEach(async () => {
    restore?.();
    await svc?.stop();
    await crm?.stop();
    svc = undefined;
    crm = undefined;
    // A stop waits for recordings still being retried (bounded at 60 s), so the hook needs more than that.
  }, 120_000);

  it('every ANSWERED update carries a working recording link once the folder is back; updates precede the finish', async () => {
    crm = new TestCrm();
    const crmUrl = await crm.start();
    svc = await startService(dialect, {
      CCS_CRM_URL: crmUrl,
      CCS_SIM_AGENTS: '4',
      CCS_SIM_WRAPUP_SECONDS: '0',
      CCS_SIM_ANSWER_RATE: '1',
      CCS_SIM_BUSY_RATE: '0',
      CCS_SIM_CONGESTION_RATE: '0',
      CCS_SIM_FAIL_RATE: '0',
      CCS_SIM_RING_SECONDS: '0.2-0.5',
      CCS_SIM_TALK_SECONDS: '0.5-1',
    });
    const s = svc;
    const folder = s.service.config.recordings.dir;
    const now = Date.now();
    const campaignId = 7101;
    const sent = await s.request('POST', '/api/sendCampaign', {
      body: {
        campaignid: campaignId,
        starttime: formatContractDatetime(now - 60_000, TZ),
        endtime: formatContractDatetime(now + 3_600_000, TZ),
        contact: Array.from({ length: CONTACTS }, (_, i) => ({ id: i + 1, phonenumber: `0912${String(500 + i).padStart(6, '0')}` })),
      },
    });
    expect(sent.status).toBe(200);

    // The first recording is stored (its day folder exists), then the folder goes away.
    await waitFor(() => crm!.updates(campaignId).length > 0, 30_000);
    renameSync(folder, `${folder}.away`);
    writeFileSync(folder, 'not a folder');
    restore = () => {
      rmSync(folder, { force: true });
      renameSync(`${folder}.away`, folder);
      restore = undefined;
    };
    let readiness: any;
    await waitFor(async () => {
      readiness = (await s.request('GET', '/readyz')).json;
      return readiness?.checks?.recordings?.ok === false;
    }, 20_000);
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.recordings.reason).toMatch(/recordings cannot be stored: .*(ENOTDIR|EEXIST)/);
    // Some calls end while the folder is gone.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    restore();

    await waitFor(() => crm!.finishes(campaignId).length > 0, 60_000);
    const updates = crm.updates(campaignId);
    expect(updates).toHaveLength(CONTACTS);
    const metrics = (await s.request('GET', '/metrics')).text;
    const retries = Number(/^ccs_recording_save_retries_total (\d+)/m.exec(metrics)?.[1] ?? 0);
    const lost = Number(/^ccs_recordings_lost_total (\d+)/m.exec(metrics)?.[1] ?? -1);
    expect(retries).toBeGreaterThan(0);
    expect(lost).toBe(0);
    for (const u of updates) {
      expect(u.status).toBe('ANSWERED');
      expect(u.link_down_record, u.callid).toEqual(expect.any(String));
      const file = await fetch(u.link_down_record);
      expect(file.status, u.callid).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('RIFF');
    }
    // Seen from the CRM: every update arrived before the finish.
    const order = crm.received.filter((r) => r.body?.campaignid === campaignId).map((r) => r.path);
    expect(order.lastIndexOf('/api/updateCampaign')).toBeLessThan(order.indexOf('/api/finishCampaign'));
    expect(crm.finishes(campaignId)).toEqual([{ campaignid: campaignId, status: 'completed', contact_total: CONTACTS, contact_success: CONTACTS }]);
    expect((await s.request('GET', '/readyz')).json.checks.recordings).toEqual({ ok: true });
  }, 120_000);
});
