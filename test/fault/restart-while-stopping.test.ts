/**
 * A restart while a campaign is stopping, with real CCS processes on SQLite and PostgreSQL.
 * Calls are connected when the campaign stops (closed by the CRM, or its endtime passes); CCS
 * is then stopped cleanly (SIGTERM, as in a deploy, with a short grace) or killed (SIGKILL)
 * and started again. Seen from the CRM: every updateCampaign of the campaign arrives before
 * its finishCampaign, the finish is sent once (a repeat only with the same key and body),
 * `contact_success` is the number of contacts with an ANSWERED update and `contact_total` the
 * number sent, and each attempt is reported once (decisions 3.6, 3.7 and 3.9).
 *
 * The matrix crosses the trigger and the signal over the two stores (four runs, not eight) so
 * that every trigger and every signal runs on both stores while the suite stays short.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { freePort, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';
import { createTestDatabase, type DialectName, type TestDatabase } from '../support/databases.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const TOKEN = 'fault-test-operator-token';
const CONTACTS = 12;

type Trigger = 'close' | 'endtime';
type Signal = 'SIGTERM' | 'SIGKILL';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

const ops = async (ccs: CcsProcess, path: string) => (await fetch(`${ccs.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;

async function setUp(dialect: DialectName) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccs-fault-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const crm: CallbackReceiver = await startCallbackReceiver();
  cleanups.push(() => crm.close());
  const env: Record<string, string> = {
    CCS_PORT: String(await freePort()),
    CCS_HOST: '127.0.0.1',
    CCS_DATA_DIR: dataDir,
    CCS_CRM_URL: crm.url,
    CCS_OPERATOR_TOKEN: TOKEN,
    CCS_LOG_LEVEL: 'warn',
    // Every customer who answers gets an agent; talks long enough to be connected at the stop.
    CCS_SIM_AGENTS: String(CONTACTS),
    CCS_SIM_SEED: '11',
    CCS_SIM_ANSWER_RATE: '0.75',
    CCS_SIM_BUSY_RATE: '0.25',
    CCS_SIM_CONGESTION_RATE: '0',
    CCS_SIM_FAIL_RATE: '0',
    CCS_SIM_RING_SECONDS: '1-2',
    CCS_SIM_TALK_SECONDS: '3-40',
    CCS_SIM_WRAPUP_SECONDS: '0',
    // Shorter than the talk of most calls: some are still up when the process exits.
    CCS_STOP_GRACE_SECONDS: '2',
  };
  if (dialect === 'postgres') {
    const db: TestDatabase = await createTestDatabase('postgres');
    cleanups.push(() => db.drop());
    env.CCS_DATABASE_URL = db.url;
  }
  return { crm, env };
}

async function sendCampaign(ccs: CcsProcess, id: number, endsInMs: number) {
  const now = Date.now();
  const response = await fetch(`${ccs.url}/api/sendCampaign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      campaignid: id,
      starttime: formatContractDatetime(now - 1000, TZ),
      endtime: formatContractDatetime(now + endsInMs, TZ),
      contact: Array.from({ length: CONTACTS }, (_, i) => ({ id: i + 1, phonenumber: `09130${String(10000 + i)}` })),
    }),
  });
  return response.json();
}

const connectedCalls = async (ccs: CcsProcess) => ((await ops(ccs, '/ops/calls/live')).calls as { state: string }[]).filter((c) => c.state === 'connected').length;

const CASES: [DialectName, Trigger, Signal][] = [
  ['sqlite', 'close', 'SIGTERM'],
  ['sqlite', 'endtime', 'SIGKILL'],
  ['postgres', 'close', 'SIGKILL'],
  ['postgres', 'endtime', 'SIGTERM'],
];

describe('restart while a campaign is stopping (real processes)', () => {
  it.each(CASES)('on %s, stopped by %s with calls connected, then %s and a restart: every update before one right finish', async (dialect, trigger, signal) => {
    const { crm, env } = await setUp(dialect);
    const id = 900;
    let ccs = await startCcs(env);
    const accepted = () => crm.accepted().map((r, index) => ({ ...r, index, json: JSON.parse(r.body) }));
    const answeredReported = () => accepted().filter((r) => r.path === '/api/updateCampaign' && r.json.status === 'ANSWERED').length;

    expect(await sendCampaign(ccs, id, trigger === 'endtime' ? 9_000 : 3600_000)).toEqual({ campaignid: id, status: 1 });
    // Some calls answered and ended (reported), others connected.
    await waitFor('an answered call reported and calls connected', async () => (answeredReported() >= 1 && (await connectedCalls(ccs)) >= 2 ? true : undefined), 20_000, ccs.output);

    if (trigger === 'close') {
      expect(await (await fetch(`${ccs.url}/api/closeCampaign/${id}`)).json()).toEqual({ campaignid: id, status: 1 });
    }
    await waitFor('the campaign stopping', async () => ((await ops(ccs, `/ops/campaigns/${id}`)).state === 'stopping' ? true : undefined), 15_000, ccs.output);
    // Nothing in the outbox in flight, calls still connected: the stop lands between callbacks.
    await waitFor(
      'the outbox delivered so far',
      async () => (((await ops(ccs, `/ops/outbox?state=pending&campaignId=${id}`)).callbacks as unknown[]).length === 0 ? true : undefined),
      10_000,
      ccs.output,
    );
    expect(await connectedCalls(ccs)).toBeGreaterThan(0);
    expect(crm.accepted().some((r) => r.path === '/api/finishCampaign')).toBe(false);

    if (signal === 'SIGTERM') expect(await ccs.terminate()).toBe(0);
    else await ccs.kill9();

    ccs = await startCcs(env);
    await waitFor('finishCampaign after the restart', () => (crm.accepted().some((r) => r.path === '/api/finishCampaign') ? true : undefined), 30_000, ccs.output);
    const attempts = (await ops(ccs, `/ops/campaigns/${id}/attempts?limit=1000`)).attempts as { callid: string; state: string; cause: string | null }[];
    const all = accepted();
    const updates = all.filter((r) => r.path === '/api/updateCampaign');
    const finishes = all.filter((r) => r.path === '/api/finishCampaign');

    // Each attempt reported, once: a repeat only with the same Idempotency-Key and body.
    const byCallId = new Map<string, Set<string>>();
    for (const u of updates) {
      expect(u.headers['idempotency-key']).toBe(u.json.callid);
      byCallId.set(u.json.callid, (byCallId.get(u.json.callid) ?? new Set()).add(u.body));
    }
    for (const bodies of byCallId.values()) expect(bodies.size).toBe(1);
    expect(attempts.every((a) => a.state === 'ended')).toBe(true);
    expect([...byCallId.keys()].sort()).toEqual(attempts.map((a) => a.callid).sort());
    // The calls up at the stop were adopted and reported after the restart.
    expect(attempts.filter((a) => a.cause?.includes('after a restart')).length).toBeGreaterThan(0);

    // Every update before the finish; one finish (repeats identical, same key).
    expect(Math.max(...updates.map((u) => u.index))).toBeLessThan(Math.min(...finishes.map((f) => f.index)));
    expect(new Set(finishes.map((f) => f.body)).size).toBe(1);
    for (const f of finishes) expect(f.headers['idempotency-key']).toBe(`finish-${id}`);
    const reached = new Set(updates.filter((u) => u.json.status === 'ANSWERED').map((u) => u.json.contact_id));
    expect(finishes[0]!.json).toEqual({ campaignid: id, status: trigger === 'close' ? 'closed' : 'expired', contact_total: CONTACTS, contact_success: reached.size });
    // Two starts of a real process and the waits above: on a loaded machine this takes minutes, not seconds.
  }, 180_000);
});
