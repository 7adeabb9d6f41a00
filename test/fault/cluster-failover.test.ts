/**
 * CCS processes on one PostgreSQL database, a campaign on the simulated floor, and the node
 * that dials it lost: killed with SIGKILL, or cut off from PostgreSQL. Another node takes the
 * agent group over within the lease + 5 s, adopts the calls left open (ended with their last
 * known state) and finishes the campaign. Judged from the CRM's side: one update per attempt
 * id, no contact called more often than its attempt limit nor in two calls at once, one
 * finish after every update.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor } from '../support/ccs-process.ts';
import { callsPlacedBy, callsUnderWay, clusterOf, dialingNode, judgeFromTheCrm, judgeFromTheDatabase, nodeEnv, sendCampaign, takenOver } from '../support/cluster-floor.ts';
import { createPostgresDatabase, type TestDatabase } from '../support/databases.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const LEASE_SECONDS = 4;
const CONTACTS = 24;
const MAX_ATTEMPTS = 3;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

async function setUp() {
  const db: TestDatabase = await createPostgresDatabase();
  cleanups.push(() => db.drop());
  const crm: CallbackReceiver = await startCallbackReceiver();
  cleanups.push(() => crm.close());
  const settings = { leaseSeconds: LEASE_SECONDS, maxAttempts: MAX_ATTEMPTS, crmUrl: crm.url, cleanups };
  const env = (name: string, databaseUrl = db.url) => nodeEnv(name, databaseUrl, settings);
  return { db, crm, env };
}

const verdict = (campaignId: number) => ({ campaignId, contacts: CONTACTS, maxAttempts: MAX_ATTEMPTS, adopted: true });

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
    await sendCampaign(second, 700, CONTACTS);
    await callsUnderWay(crm, first, logs);

    await first.kill9();
    const heir = await takenOver(second, 'node-1', LEASE_SECONDS, logs, 'kill -9');
    await judgeFromTheCrm(crm, heir === 'node-2' ? second : third, verdict(700), logs);
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

    await sendCampaign(first, 710, CONTACTS);
    await callsUnderWay(crm, first, logs);

    proxy.cut();
    await takenOver(second, 'node-1', LEASE_SECONDS, logs, 'cut off from PostgreSQL');
    // Fenced: from the takeover on, the cut node places no call (its simulated floor counts them).
    const placedAtTakeover = await callsPlacedBy(first);
    await judgeFromTheCrm(crm, second, verdict(710), logs);
    await judgeFromTheDatabase(db.url, 710, MAX_ATTEMPTS);
    expect(await callsPlacedBy(first)).toBe(placedAtTakeover);

    // Back on the network, the cut node rejoins without dialing.
    proxy.restore();
    await waitFor('the cut node back as a spare', async () => ((await clusterOf(second)).some((n) => n.id === 'node-1' && !n.dialing) ? true : undefined), 30_000, logs);
    expect(await dialingNode(first)).toBe('node-2');
  }, 240_000);
});
