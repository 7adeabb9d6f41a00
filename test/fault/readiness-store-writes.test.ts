/**
 * /readyz and a store that cannot write, on a running service: SQLite with writes refused as a
 * full disk refuses them (fault in front of the store), PostgreSQL with the test database made
 * read-only for new sessions (`default_transaction_read_only`) and its backends terminated.
 * Rules: /readyz is 503 while the store cannot write and says why; it is 200 again once the
 * store writes, without a restart; the campaign dialling through it finishes by itself and the
 * CRM receives every update before the finish, with counts the updates bear out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { waitFor } from '../support/ccs-process.ts';
import { DIALECTS, POSTGRES_ADMIN_URL } from '../support/databases.ts';
import { writeFault } from '../support/failing-writes.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const CONTACTS = 8;
/** How long the store refuses writes (real time: the service runs on the system clock). */
const OUTAGE_MS = 4_000;

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

describe.each(DIALECTS)('a store that cannot write, on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('/readyz is 503 with the reason while writes fail and 200 after; the campaign finishes after every update with the right counts', async () => {
    const crm: CallbackReceiver = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const fault = writeFault();
    const configDir = mkdtempSync(join(tmpdir(), 'ccs-ready-'));
    cleanups.push(async () => rmSync(configDir, { recursive: true, force: true }));
    writeFileSync(join(configDir, 'ccs.config.json'), JSON.stringify({ defaultProfile: { ringTimeoutSeconds: 5 } }));
    const svc: RunningService = await startService(
      dialect,
      {
        CCS_CRM_URL: crm.url,
        CCS_CONFIG: join(configDir, 'ccs.config.json'),
        CCS_SIM_AGENTS: '3',
        CCS_SIM_SEED: '3',
        CCS_SIM_ANSWER_RATE: '0.7',
        CCS_SIM_BUSY_RATE: '0.2',
        CCS_SIM_CONGESTION_RATE: '0',
        CCS_SIM_FAIL_RATE: '0',
        CCS_SIM_RING_SECONDS: '1-2',
        CCS_SIM_TALK_SECONDS: '2-3',
        CCS_SIM_WRAPUP_SECONDS: '0',
        CCS_RETRY_MAX_ATTEMPTS: '2',
        CCS_RETRY_DELAY_SECONDS: '1',
      },
      dialect === 'sqlite' ? { wrapStore: (store) => fault.wrap(store) } : {},
    );
    cleanups.push(() => svc.stop());
    const dbName = dialect === 'postgres' ? new URL(svc.service.config.databaseUrl).pathname.slice(1) : '';
    const readOnly = async (on: boolean) => {
      if (dialect === 'sqlite') {
        fault.failing = on;
        return;
      }
      await admin(on ? `ALTER DATABASE ${dbName} SET default_transaction_read_only = on` : `ALTER DATABASE ${dbName} RESET default_transaction_read_only`);
      // Sessions take the setting when they start: end the current ones.
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`);
    };
    if (dialect === 'postgres') cleanups.push(() => readOnly(false).catch(() => undefined));

    expect((await svc.request('GET', '/readyz')).status).toBe(200);
    const now = Date.now();
    const sent = await svc.request('POST', '/api/sendCampaign', {
      body: {
        campaignid: 501,
        starttime: formatContractDatetime(now - 1000, TZ),
        endtime: formatContractDatetime(now + 30 * 60_000, TZ),
        contact: Array.from({ length: CONTACTS }, (_, i) => ({ id: i + 1, phonenumber: `09140${String(10000 + i)}` })),
      },
    });
    expect(sent.json).toEqual({ campaignid: 501, status: 1 });
    await waitFor('calls in progress', () => (svc.service.engine.liveCalls().length > 0 ? true : undefined), 10_000);

    await readOnly(true);
    const outageEnds = Date.now() + OUTAGE_MS;
    const notReady = await waitFor('/readyz 503', async () => {
      const r = await svc.request('GET', '/readyz');
      // (A first answer may be "cannot read": a terminated connection seen by the read.)
      return r.status === 503 && /cannot write/.test(r.json.checks.database.reason) ? r.json : undefined;
    }, 10_000);
    expect(notReady.checks.database).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot write/) });
    // Keep the store read-only until a call's own write has been refused and is waiting to be retried.
    await waitFor('a call write waiting for the store', () => (svc.service.engine.storeWrites().retrying > 0 ? true : undefined), 15_000);
    const during = await svc.request('GET', '/readyz');
    expect(during.status).toBe(503);
    expect(during.json.checks.database.reason).toMatch(/last engine write error/);
    const metrics = await svc.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^ccs_store_writes_waiting [1-9]/m);
    // The outage lasts OUTAGE_MS: calls keep ringing, answering and ending meanwhile.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageEnds - Date.now())));
    if (dialect === 'sqlite') expect((fault.refused.get('progressAttempt') ?? 0) + (fault.refused.get('endAttempt') ?? 0)).toBeGreaterThan(0);
    await readOnly(false);

    await waitFor('/readyz 200 again', async () => ((await svc.request('GET', '/readyz')).status === 200 ? true : undefined), 20_000);
    const finish = await waitFor('finishCampaign', () => crm.accepted().find((r) => r.path === '/api/finishCampaign'), 40_000);

    expect(svc.service.engine.liveCalls()).toEqual([]);
    const accepted = crm.accepted();
    const updates = accepted.filter((r) => r.path === '/api/updateCampaign');
    expect(updates.every((u) => accepted.indexOf(u) < accepted.indexOf(finish))).toBe(true);
    const payloads = new Map(updates.map((u) => [JSON.parse(u.body).callid as string, JSON.parse(u.body)]));
    const attempts = await svc.service.store.listAttempts({ campaignId: 501, limit: 1000 });
    expect(attempts.filter((a) => a.state !== 'ended' && a.state !== 'unplaced')).toEqual([]);
    expect([...payloads.keys()].sort()).toEqual(attempts.filter((a) => a.state === 'ended').map((a) => a.callId).sort());
    const answered = new Set([...payloads.values()].filter((u) => u.status === 'ANSWERED').map((u) => u.contact_id));
    expect(JSON.parse(finish.body)).toEqual({ campaignid: 501, status: 'completed', contact_total: CONTACTS, contact_success: answered.size });
  }, 90_000);
});
