/**
 * CCS processes on one PostgreSQL database, a campaign on the simulated floor, and the node
 * that dials it lost: killed with SIGKILL, or cut off from PostgreSQL. Another node takes the
 * agent group over within the lease + 5 s, adopts the calls left open (ended with their last
 * known state) and finishes the campaign. Judged from the CRM's side: one update per attempt
 * id, no contact called more often than its attempt limit nor in two calls at once, one
 * finish after every update.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { freePort, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const TOKEN = 'cluster-failover-token';
const LEASE_SECONDS = 4;
const CONTACTS = 24;
const MAX_ATTEMPTS = 3;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

const get = async (ccs: CcsProcess, path: string) => (await fetch(`${ccs.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;
const clusterOf = async (ccs: CcsProcess) => ((await get(ccs, '/ops/cluster').catch(() => ({ nodes: [] }))).nodes ?? []) as { id: string; dialing: boolean; groups: string[] }[];
const dialingNode = async (ccs: CcsProcess): Promise<string | undefined> => (await clusterOf(ccs)).find((n) => n.groups.includes('default'))?.id;

async function setUp() {
  const db: TestDatabase = await createPostgresDatabase();
  cleanups.push(() => db.drop());
  const crm: CallbackReceiver = await startCallbackReceiver();
  cleanups.push(() => crm.close());
  const env = async (name: string, databaseUrl = db.url): Promise<Record<string, string>> => {
    const dataDir = mkdtempSync(join(tmpdir(), `ccs-${name}-`));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    return {
      CCS_PORT: String(port),
      CCS_HOST: '127.0.0.1',
      CCS_DATA_DIR: dataDir,
      CCS_DATABASE_URL: databaseUrl,
      CCS_NODE_ID: name,
      CCS_LEASE_SECONDS: String(LEASE_SECONDS),
      CCS_CRM_URL: crm.url,
      CCS_OPERATOR_TOKEN: TOKEN,
      CCS_SIGNING_SECRET: 'one-secret-for-every-node',
      CCS_LOG_LEVEL: 'warn',
      CCS_SIM_AGENTS: '4',
      CCS_SIM_SEED: String(port),
      CCS_SIM_ANSWER_RATE: '0.5',
      CCS_SIM_BUSY_RATE: '0.5',
      CCS_SIM_CONGESTION_RATE: '0',
      CCS_SIM_FAIL_RATE: '0',
      CCS_SIM_RING_SECONDS: '1-2',
      CCS_SIM_TALK_SECONDS: '2-5',
      CCS_SIM_WRAPUP_SECONDS: '0',
      CCS_RETRY_DELAY_SECONDS: '1',
      CCS_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    };
  };
  return { db, crm, env };
}

async function sendCampaign(ccs: CcsProcess, id: number) {
  const now = Date.now();
  const sent = await fetch(`${ccs.url}/api/sendCampaign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      campaignid: id,
      starttime: formatContractDatetime(now - 1000, TZ),
      endtime: formatContractDatetime(now + 3600_000, TZ),
      contact: Array.from({ length: CONTACTS }, (_, i) => ({ id: i + 1, phonenumber: `09140${String(10000 + i)}` })),
    }),
  });
  expect(await sent.json()).toEqual({ campaignid: id, status: 1 });
}

const updatesOf = (crm: CallbackReceiver) => crm.accepted().filter((r) => r.path === '/api/updateCampaign');
const finishesOf = (crm: CallbackReceiver) => crm.accepted().filter((r) => r.path === '/api/finishCampaign');

/** Waits for the node that dials to have reported calls and have more up. */
async function callsUnderWay(crm: CallbackReceiver, dialing: CcsProcess, logs: () => string) {
  await waitFor('the dialing node reporting calls with more up', async () => (updatesOf(crm).length >= 3 && ((await get(dialing, '/ops/calls/live')).calls as unknown[]).length >= 2 ? true : undefined), 30_000, logs);
}

/** The bound: the group is dialed again by another node within the lease + 5 s. */
async function takenOver(observer: CcsProcess, lost: string, logs: () => string, what: string): Promise<string> {
  const since = Date.now();
  const heir = await waitFor('another node dialing the group', async () => {
    const holder = await dialingNode(observer);
    return holder && holder !== lost ? holder : undefined;
  }, (LEASE_SECONDS + 5) * 1000, logs);
  console.log(`cluster failover (${what}): ${heir} dials the group ${((Date.now() - since) / 1000).toFixed(1)} s later (lease ${LEASE_SECONDS} s)`);
  return heir;
}

/** What the CRM received, checked against the attempts the database holds. */
async function judgeFromTheCrm(crm: CallbackReceiver, survivor: CcsProcess, id: number, logs: () => string) {
  await waitFor('finishCampaign', () => (finishesOf(crm).length > 0 ? true : undefined), 120_000, logs);
  const attempts = (await get(survivor, `/ops/campaigns/${id}/attempts?limit=1000`)).attempts as { callid: string; state: string; cause: string | null }[];

  // One update per attempt id (a repeat only as the same body under the same key).
  const byCallId = new Map<string, Set<string>>();
  for (const u of updatesOf(crm)) {
    const body = JSON.parse(u.body);
    expect(u.headers['idempotency-key']).toBe(body.callid);
    byCallId.set(body.callid, (byCallId.get(body.callid) ?? new Set()).add(u.body));
  }
  for (const bodies of byCallId.values()) expect(bodies.size).toBe(1);
  expect(attempts.every((a) => a.state === 'ended')).toBe(true);
  expect([...byCallId.keys()].sort()).toEqual(attempts.map((a) => a.callid).sort());
  // The lost node's calls were adopted and reported by the heir.
  expect(attempts.filter((a) => a.cause?.includes('after a restart')).length).toBeGreaterThan(0);

  // Per contact: no more attempts than the limit, and never two calls at once.
  const perContact = new Map<number, { start: string; end: string }[]>();
  for (const bodies of byCallId.values()) {
    const u = JSON.parse([...bodies][0]!);
    perContact.set(u.contact_id, [...(perContact.get(u.contact_id) ?? []), { start: u.starttime, end: u.endtime }]);
  }
  for (const calls of perContact.values()) {
    expect(calls.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
    calls.sort((a, b) => a.start.localeCompare(b.start));
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.start >= calls[i - 1]!.end, JSON.stringify(calls)).toBe(true);
  }

  // Exactly one finish (a repeat only as the same body under the same key), after every update.
  expect(new Set(finishesOf(crm).map((f) => f.body)).size).toBe(1);
  for (const f of finishesOf(crm)) expect(f.headers['idempotency-key']).toBe(`finish-${id}`);
  const accepted = crm.accepted();
  const lastUpdate = Math.max(...accepted.map((r, i) => (r.path === '/api/updateCampaign' ? i : -1)));
  expect(lastUpdate).toBeLessThan(accepted.findIndex((r) => r.path === '/api/finishCampaign'));
  expect(JSON.parse(finishesOf(crm)[0]!.body)).toMatchObject({ campaignid: id, status: 'completed', contact_total: CONTACTS });
}

describe('a cluster on PostgreSQL (real processes)', () => {
  it('survives a kill -9 of the dialing node among three: another takes over within the lease + 5 s and the CRM gets every update once and one finish', async () => {
    const { crm, env } = await setUp();
    // The first node started takes the group; the other two wait.
    const first = await startCcs(await env('node-1'));
    const second = await startCcs(await env('node-2'));
    const third = await startCcs(await env('node-3'));
    const logs = () => [first, second, third].map((n) => n.output()).join('\n----\n');
    expect(await dialingNode(second)).toBe('node-1');

    // Sent through a node that does not dial.
    await sendCampaign(second, 700);
    await callsUnderWay(crm, first, logs);

    await first.kill9();
    const heir = await takenOver(second, 'node-1', logs, 'kill -9');
    await judgeFromTheCrm(crm, heir === 'node-2' ? second : third, 700, logs);
  }, 240_000);

  it('survives the dialing node cut off from PostgreSQL: the other takes over, the cut node writes nothing more and rejoins as a spare', async () => {
    const { db, crm, env } = await setUp();
    const url = new URL(db.url);
    const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    cleanups.push(() => proxy.close());
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const first = await startCcs(await env('node-1', viaProxy.toString()));
    const second = await startCcs(await env('node-2'));
    const logs = () => [first, second].map((n) => n.output()).join('\n----\n');
    expect(await dialingNode(second)).toBe('node-1');

    await sendCampaign(first, 710);
    await callsUnderWay(crm, first, logs);

    proxy.cut();
    await takenOver(second, 'node-1', logs, 'cut off from PostgreSQL');
    await judgeFromTheCrm(crm, second, 710, logs);

    // Back on the network, the cut node rejoins without dialing.
    proxy.restore();
    await waitFor('the cut node back as a spare', async () => ((await clusterOf(second)).some((n) => n.id === 'node-1' && !n.dialing) ? true : undefined), 30_000, logs);
    expect(await dialingNode(first)).toBe('node-2');
  }, 240_000);
});
