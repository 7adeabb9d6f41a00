/**
 * PostgreSQL dropping CCS's connections (a restart, a failover, a proxy's idle timeout),
 * simulated on the test's own database with `pg_terminate_backend` and, for an outage,
 * `ALLOW_CONNECTIONS false` (the shared server itself is never stopped). Against a real CCS
 * process on the simulated floor. Rules: the process survives and reconnects; the campaign
 * finishes by itself and the CRM receives every update before the finish, with counts the
 * updates bear out; during an outage a contract request answers 503 in the contract's shape
 * and /readyz is 503 with the reason; both recover without a restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { ContractMessage } from '../../src/domain/messages.ts';
import { freePort, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';
import { createTestDatabase, POSTGRES_ADMIN_URL, type TestDatabase } from '../support/databases.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const CONTACTS = 12;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const nameOf = (db: TestDatabase) => new URL(db.url).pathname.slice(1);

/** Ends every connection CCS has to its database; returns how many there were. */
function terminateBackends(db: TestDatabase): Promise<number> {
  return admin(async (c) => {
    const r = await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [nameOf(db)]);
    return r.rowCount ?? 0;
  });
}

function allowConnections(db: TestDatabase, allow: boolean): Promise<void> {
  return admin(async (c) => void (await c.query(`ALTER DATABASE ${nameOf(db)} ALLOW_CONNECTIONS ${allow}`)));
}

async function setUp(): Promise<{ ccs: CcsProcess; crm: CallbackReceiver; db: TestDatabase }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccs-pgloss-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const db = await createTestDatabase('postgres');
  cleanups.push(() => db.drop());
  cleanups.push(() => allowConnections(db, true));
  const crm = await startCallbackReceiver();
  cleanups.push(() => crm.close());
  writeFileSync(join(dataDir, 'ccs.config.json'), JSON.stringify({ defaultProfile: { ringTimeoutSeconds: 5 } }));
  const ccs = await startCcs({
    CCS_PORT: String(await freePort()),
    CCS_HOST: '127.0.0.1',
    CCS_DATA_DIR: dataDir,
    CCS_CONFIG: join(dataDir, 'ccs.config.json'),
    CCS_DATABASE_URL: db.url,
    CCS_CRM_URL: crm.url,
    CCS_LOG_LEVEL: 'warn',
    CCS_RETRY_MAX_ATTEMPTS: '2',
    CCS_RETRY_DELAY_SECONDS: '1',
    CCS_SIM_AGENTS: '4',
    CCS_SIM_SEED: '11',
    CCS_SIM_ANSWER_RATE: '0.6',
    CCS_SIM_BUSY_RATE: '0.2',
    CCS_SIM_CONGESTION_RATE: '0.1',
    CCS_SIM_FAIL_RATE: '0.05',
    CCS_SIM_RING_SECONDS: '1-2',
    CCS_SIM_TALK_SECONDS: '2-4',
    CCS_SIM_WRAPUP_SECONDS: '0',
  });
  return { ccs, crm, db };
}

function campaignBody(id: number, contacts: number) {
  const now = Date.now();
  return {
    campaignid: id,
    starttime: formatContractDatetime(now - 1000, TZ),
    endtime: formatContractDatetime(now + 30 * 60_000, TZ),
    contact: Array.from({ length: contacts }, (_, i) => ({ id: i + 1, phonenumber: `09130${String(10000 + i)}` })),
  };
}

async function post(ccs: CcsProcess, path: string, body: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${ccs.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json() };
}

async function get(ccs: CcsProcess, path: string): Promise<{ status: number; json: any }> {
  const response = await fetch(`${ccs.url}${path}`);
  return { status: response.status, json: await response.json() };
}

describe('PostgreSQL drops the connections of a running CCS', () => {
  it('survives its backends being terminated mid-campaign: the campaign finishes, every update reaches the CRM before the finish, counts right', async () => {
    const { ccs, crm, db } = await setUp();
    expect(await post(ccs, '/api/sendCampaign', campaignBody(701, CONTACTS))).toEqual({ status: 200, json: { campaignid: 701, status: 1 } });

    // Terminate every backend five times while the campaign dials, each time once more calls were reported.
    let terminated = 0;
    for (let round = 0; round < 5; round++) {
      const seen = crm.received.length;
      await waitFor(`progress before termination ${round + 1}`, () => (crm.received.length > seen || round === 0 ? true : undefined), 20_000, ccs.output);
      terminated += await terminateBackends(db);
      expect(ccs.child.exitCode, ccs.output()).toBeNull();
    }
    expect(terminated).toBeGreaterThan(0);

    const finish = await waitFor('finishCampaign', () => crm.accepted().find((r) => r.path === '/api/finishCampaign'), 45_000, ccs.output);
    expect(ccs.child.exitCode).toBeNull();

    const accepted = crm.accepted();
    const finishIndex = accepted.indexOf(finish);
    const updates = accepted.filter((r) => r.path === '/api/updateCampaign').map((r) => ({ index: accepted.indexOf(r), key: r.headers['idempotency-key'], body: r.body, json: JSON.parse(r.body) }));
    // Every update before the finish; a repeat only under the same key with the same body.
    expect(updates.every((u) => u.index < finishIndex)).toBe(true);
    const byCall = new Map<string, string>();
    for (const u of updates) {
      expect(u.key).toBe(u.json.callid);
      if (byCall.has(u.json.callid)) expect(byCall.get(u.json.callid)).toBe(u.body);
      byCall.set(u.json.callid, u.body);
    }
    // Every attempt ended and reported.
    const attempts = (await get(ccs, '/ops/campaigns/701/attempts?limit=1000')).json.attempts as { callid: string; state: string }[];
    const reported = attempts.filter((a) => a.state === 'ended').map((a) => a.callid);
    expect(attempts.filter((a) => a.state !== 'ended' && a.state !== 'unplaced')).toEqual([]);
    expect([...byCall.keys()].sort()).toEqual(reported.sort());
    const answered = new Set(updates.filter((u) => u.json.status === 'ANSWERED').map((u) => u.json.contact_id));
    expect(JSON.parse(finish.body)).toEqual({ campaignid: 701, status: 'completed', contact_total: CONTACTS, contact_success: answered.size });
    expect((await get(ccs, '/ops/calls/live')).json.calls).toEqual([]);
    expect(ccs.output()).not.toMatch(/unhandled promise rejection|call event failed/);
  }, 90_000);

  it('while the database refuses connections answers 503 in the contract shape and is not ready; recovers by itself', async () => {
    const { ccs, db } = await setUp();
    expect((await get(ccs, '/readyz')).status).toBe(200);

    await allowConnections(db, false);
    await terminateBackends(db);
    const refused = await post(ccs, '/api/sendCampaign', campaignBody(702, 3));
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({ campaignid: 702, status: 0, error_msg: ContractMessage.storeUnavailable, errors: [expect.objectContaining({ field: 'server' })] });
    const close = await get(ccs, '/api/closeCampaign/702');
    expect(close.status).toBe(503);
    expect(close.json).toMatchObject({ campaignid: 702, status: 0, error_msg: ContractMessage.storeUnavailable });
    const notReady = await get(ccs, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.json.checks.database).toMatchObject({ ok: false, reason: expect.stringMatching(/cannot read/) });
    // Metrics still answer (gauges that read the database keep their last values).
    expect((await fetch(`${ccs.url}/metrics`)).status).toBe(200);
    expect(ccs.child.exitCode).toBeNull();

    await allowConnections(db, true);
    await waitFor('ready again', async () => ((await get(ccs, '/readyz')).status === 200 ? true : undefined), 20_000, ccs.output);
    // Nothing was stored by the refused request: the same campaign is now created afresh.
    expect(await post(ccs, '/api/sendCampaign', campaignBody(702, 3))).toEqual({ status: 200, json: { campaignid: 702, status: 1 } });
    expect(ccs.output()).not.toMatch(/unhandled promise rejection/);
  }, 60_000);
});
