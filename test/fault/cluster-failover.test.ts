/**
 * Three CCS processes on one PostgreSQL database, a campaign on the simulated floor, and a
 * kill -9 of the node that dials it: another node takes the agent group over within the
 * lease + 5 s, adopts the calls the dead node left open (ended with their last known state)
 * and finishes the campaign. Judged from the CRM's side: one update per attempt id, no
 * contact called more often than its attempt limit nor in two calls at once, one finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { freePort, startCallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';
import { createPostgresDatabase } from '../support/databases.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const TOKEN = 'cluster-failover-token';
const LEASE_SECONDS = 3;
const CONTACTS = 24;
const MAX_ATTEMPTS = 3;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

const get = async (ccs: CcsProcess, path: string) => (await fetch(`${ccs.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;
const dialingNode = async (ccs: CcsProcess): Promise<string | undefined> => {
  const nodes = (await get(ccs, '/ops/cluster').catch(() => ({ nodes: [] }))).nodes as { id: string; groups: string[] }[];
  return nodes.find((n) => n.groups.includes('default'))?.id;
};

describe('a cluster of three nodes on PostgreSQL (real processes)', () => {
  it('survives a kill -9 of the dialing node: another takes over within the lease + 5 s and the CRM gets every update once and one finish', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const crm = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const base = (name: string, port: number): Record<string, string> => {
      const dataDir = mkdtempSync(join(tmpdir(), `ccs-${name}-`));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      return {
        CCS_PORT: String(port),
        CCS_HOST: '127.0.0.1',
        CCS_DATA_DIR: dataDir,
        CCS_DATABASE_URL: db.url,
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
    // The first node started takes the group; the other two wait.
    const first = await startCcs(base('node-1', await freePort()));
    const second = await startCcs(base('node-2', await freePort()));
    const third = await startCcs(base('node-3', await freePort()));
    const logs = () => [first, second, third].map((n) => n.output()).join('\n----\n');
    expect(await dialingNode(second)).toBe('node-1');

    // Sent through a node that does not dial.
    const now = Date.now();
    const id = 700;
    const sent = await fetch(`${second.url}/api/sendCampaign`, {
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
    const updates = () => crm.accepted().filter((r) => r.path === '/api/updateCampaign');
    await waitFor('the dialing node reporting calls with more up', async () => (updates().length >= 3 && ((await get(first, '/ops/calls/live')).calls as unknown[]).length >= 2 ? true : undefined), 30_000, logs);

    await first.kill9();
    const killedAt = Date.now();
    // The bound: the group is dialed again within the lease + 5 s.
    const heir = await waitFor('another node dialing the group', async () => {
      const holder = await dialingNode(second);
      return holder && holder !== 'node-1' ? holder : undefined;
    }, (LEASE_SECONDS + 5) * 1000, logs);
    console.log(`cluster failover: ${heir} dials the group ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill (lease ${LEASE_SECONDS} s)`);

    const finishes = () => crm.accepted().filter((r) => r.path === '/api/finishCampaign');
    await waitFor('finishCampaign', () => (finishes().length > 0 ? true : undefined), 120_000, logs);
    const survivor = heir === 'node-2' ? second : third;
    const attempts = (await get(survivor, `/ops/campaigns/${id}/attempts?limit=1000`)).attempts as { callid: string; state: string; cause: string | null }[];

    // One update per attempt id (a repeat only as the same body under the same key).
    const byCallId = new Map<string, Set<string>>();
    for (const u of updates()) {
      const body = JSON.parse(u.body);
      expect(u.headers['idempotency-key']).toBe(body.callid);
      byCallId.set(body.callid, (byCallId.get(body.callid) ?? new Set()).add(u.body));
    }
    for (const bodies of byCallId.values()) expect(bodies.size).toBe(1);
    expect(attempts.every((a) => a.state === 'ended')).toBe(true);
    expect([...byCallId.keys()].sort()).toEqual(attempts.map((a) => a.callid).sort());
    // The dead node's calls were adopted and reported by the heir.
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
    expect(new Set(finishes().map((f) => f.body)).size).toBe(1);
    for (const f of finishes()) expect(f.headers['idempotency-key']).toBe(`finish-${id}`);
    const accepted = crm.accepted();
    const lastUpdate = Math.max(...accepted.map((r, i) => (r.path === '/api/updateCampaign' ? i : -1)));
    expect(lastUpdate).toBeLessThan(accepted.findIndex((r) => r.path === '/api/finishCampaign'));
    const finish = JSON.parse(finishes()[0]!.body);
    expect(finish).toMatchObject({ campaignid: id, status: 'completed', contact_total: CONTACTS });
  }, 240_000);
});
