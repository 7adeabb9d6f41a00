/**
 * The PostgreSQL server itself going away under a cluster of CCS processes on the simulated
 * floor, on a server of the test's own (never the shared one): stopped and started again
 * mid-campaign, and a primary crashed with its synchronous standby promoted, the nodes
 * reaching both through one multi-host CCS_DATABASE_URL. Rules: while no server takes writes
 * every node answers the contract with 503 in the contract's shape and places no call; once
 * one does, everything resumes by itself; judged from the CRM's side and from the database:
 * every accepted campaign finishes once after all its updates, one update per attempt, no
 * attempt limit exceeded, no contact in two calls at once, nothing acknowledged lost (every
 * update the CRM received names an attempt the surviving database holds).
 */
import pg from 'pg';
import { postgresConnectionConfig } from '../../src/store/postgres-hosts.ts';
import { afterAll, afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { ContractMessage } from '../../src/domain/messages.ts';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';
import { callsPlacedBy, callsUnderWay, clusterOf, dialingNode, judgeFromTheCrm, judgeFromTheDatabase, nodeEnv, opsGet, postCampaign, sendCampaign } from '../support/cluster-floor.ts';
import { startPostgresInstance, startStandby } from '../support/postgres-instance.ts';

const LEASE_SECONDS = 4;
const CONTACTS = 10;
const MAX_ATTEMPTS = 3;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

/**
 * Every 2 s, what the nodes and the database show (leases, live calls, attempts not ended,
 * campaigns): printed with the nodes' logs when the test fails, so a stall can be read.
 */
function watchWhenFailing(databaseUrl: string, nodes: CcsProcess[], crm: CallbackReceiver): void {
  const seen: string[] = [];
  const pool = new pg.Pool({ ...postgresConnectionConfig(databaseUrl), max: 1, connectionTimeoutMillis: 2000, query_timeout: 2000 });
  pool.on('error', () => {});
  const state = `select (select json_agg(x) from (select grp, holder, token, expires_at > now() as live from dial_leases) x) as leases,
    (select json_agg(x) from (select call_id, state from attempts where state not in ('ended', 'unplaced')) x) as open_attempts,
    (select json_agg(x) from (select id, state from campaigns) x) as campaigns`;
  const look = async () => {
    const views = await Promise.all(nodes.map(async (n) => ({ dialing: (await clusterOf(n)).filter((c) => c.dialing).map((c) => c.id), live: ((await opsGet(n, '/ops/calls/live').catch(() => ({}))).calls ?? []).length })));
    const db = await pool.query(state).then((r) => JSON.stringify(r.rows[0]), (e: Error) => e.message);
    seen.push(`${new Date().toISOString()} crm ${crm.accepted().length} nodes ${JSON.stringify(views)} db ${db}`);
  };
  const watch = setInterval(() => void look().catch(() => {}), 2000);
  cleanups.push(() => clearInterval(watch), () => pool.end());
  onTestFailed(() => console.log(`what the nodes and the database showed:\n${seen.slice(-60).join('\n')}\n${nodes.map((n) => n.output()).join('\n----\n')}`));
}

async function startCluster(databaseUrl: string, names: string[]) {
  const crm = await startCallbackReceiver();
  cleanups.push(() => crm.close());
  const settings = { leaseSeconds: LEASE_SECONDS, maxAttempts: MAX_ATTEMPTS, crmUrl: crm.url, cleanups };
  const nodes: CcsProcess[] = [];
  // Ready within 90 s: the first start runs every migration, each commit waiting for a synchronous standby.
  for (const name of names) nodes.push(await startCcs(await nodeEnv(name, databaseUrl, settings), 90_000));
  watchWhenFailing(databaseUrl, nodes, crm);
  const logs = () => nodes.map((n) => n.output()).join('\n----\n');
  return { crm, nodes, logs };
}

/** Every node refuses the contract in its own shape while no database takes writes. */
async function expectContractRefused(nodes: CcsProcess[], campaignId: number) {
  for (const node of nodes) {
    const refused = await postCampaign(node, campaignId, 3);
    expect(refused.status, node.output()).toBe(503);
    expect(refused.json).toEqual({ campaignid: campaignId, status: 0, error_msg: ContractMessage.storeUnavailable, errors: [expect.objectContaining({ field: 'server' })] });
    const close = await fetch(`${node.url}/api/closeCampaign/${campaignId}`);
    expect(close.status).toBe(503);
    expect(await close.json()).toMatchObject({ campaignid: campaignId, status: 0, error_msg: ContractMessage.storeUnavailable });
  }
}

/** Accepted once the database takes writes again (refused with 503 until then). */
async function sendWhenAccepted(node: CcsProcess, id: number, contacts: number, logs: () => string) {
  await waitFor(`sendCampaign ${id} accepted`, async () => {
    const r = await postCampaign(node, id, contacts);
    if (r.status === 503) return undefined;
    expect(r).toEqual({ status: 200, json: { campaignid: id, status: 1 } });
    return true;
  }, 30_000, logs);
}

const verdict = (campaignId: number, contacts = CONTACTS) => ({ campaignId, contacts, maxAttempts: MAX_ATTEMPTS });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the PostgreSQL server stops under a running cluster (real processes, a server of its own)', () => {
  it('PostgreSQL restarted under load: 503 in the contract shape and no call placed while it is down, then every accepted campaign finishes once by itself', async () => {
    const server = await startPostgresInstance();
    cleanups.push(() => server.destroy());
    await server.query('CREATE DATABASE ccs');
    const { crm, nodes, logs } = await startCluster(server.url('ccs'), ['node-1', 'node-2']);
    const [first, second] = nodes as [CcsProcess, CcsProcess];
    expect(await dialingNode(second)).toBe('node-1');

    await sendCampaign(second, 720, CONTACTS);
    await callsUnderWay(crm, first, logs);

    // Down for longer than the lease: the dialing node gives its group up meanwhile.
    await server.stopFast();
    const downAt = Date.now();
    await expectContractRefused(nodes, 729);
    await sleep(Math.max(0, downAt + 1000 - Date.now()));
    const placedWhileDown = await callsPlacedBy(first);
    await sleep(Math.max(0, downAt + (LEASE_SECONDS + 1) * 1000 - Date.now()));
    expect(await callsPlacedBy(first), 'calls placed with the database down').toBe(placedWhileDown);
    expect(await callsPlacedBy(second)).toBe(0);
    await server.start();
    console.log(`PostgreSQL down ${((Date.now() - downAt) / 1000).toFixed(1)} s`);

    await sendWhenAccepted(first, 721, 4, logs);
    await judgeFromTheCrm(crm, second, verdict(720), logs);
    await judgeFromTheCrm(crm, second, verdict(721, 4), logs);
    for (const id of [720, 721]) await judgeFromTheDatabase(server.url('ccs'), id, MAX_ATTEMPTS);
    for (const node of nodes) expect(node.child.exitCode, node.output()).toBeNull();
    expect(logs()).not.toMatch(/unhandled promise rejection/i);
  }, 240_000);

  it('a standby promoted: the primary crashes, no node writes until the synchronous standby is promoted, then they find it through the multi-host URL and nothing acknowledged is lost', async () => {
    const primary = await startPostgresInstance();
    cleanups.push(() => primary.destroy());
    await primary.query('CREATE DATABASE ccs');
    const standby = await startStandby(primary, { synchronous: true });
    cleanups.push(() => standby.destroy());
    // The standby first in the list: the nodes must skip it while it is read-only.
    const url = `postgres://postgres@127.0.0.1:${standby.port},127.0.0.1:${primary.port}/ccs?target_session_attrs=read-write`;
    const { crm, nodes, logs } = await startCluster(url, ['node-1', 'node-2']);
    const [first, second] = nodes as [CcsProcess, CcsProcess];
    expect(await dialingNode(second)).toBe('node-1');

    await sendCampaign(second, 730, CONTACTS);
    await callsUnderWay(crm, first, logs);

    await primary.crash();
    const crashedAt = Date.now();
    await expectContractRefused(nodes, 739);
    await sleep(Math.max(0, crashedAt + 2000 - Date.now()));
    await standby.promote();
    console.log(`standby promoted ${((Date.now() - crashedAt) / 1000).toFixed(1)} s after the primary crashed`);

    await sendWhenAccepted(second, 731, 4, logs);
    await judgeFromTheCrm(crm, second, verdict(730), logs);
    await judgeFromTheCrm(crm, second, verdict(731, 4), logs);
    for (const id of [730, 731]) await judgeFromTheDatabase(standby.url('ccs'), id, MAX_ATTEMPTS);
    for (const node of nodes) expect(node.child.exitCode, node.output()).toBeNull();
    expect(logs()).not.toMatch(/unhandled promise rejection/i);
  }, 240_000);
});
