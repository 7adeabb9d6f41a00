/**
 * GET /ops/cluster and `ccs cluster` on one node (SQLite and PostgreSQL), and two in-process
 * nodes on one PostgreSQL database: only the lease holder dials, and a campaign sent to or
 * closed through the other node takes effect on the holder.
 */
import { Value } from '@sinclair/typebox/value';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { clusterSchemas } from '../../src/http/api-schemas.ts';
import { campaignBody } from '../support/campaigns.ts';
import { waitFor } from '../support/crm-receiver.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

const DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function started(run: Promise<RunningService>): Promise<RunningService> {
  const svc = await run;
  cleanups.push(() => svc.stop());
  return svc;
}

async function ccs(url: string, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main([...argv, '--url', url], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('/ops/cluster', () => {
  it.each(['sqlite', 'postgres'] as const)('on one node (%s) lists that node, dialing every agent group', async (dialect) => {
    const svc = await started(startService(dialect, { CCS_NODE_ID: 'box-1' }));
    const answer = await svc.request('GET', '/ops/cluster');
    expect(answer.status).toBe(200);
    expect([...Value.Errors(clusterSchemas.cluster.response[200], answer.json)]).toEqual([]);
    expect(answer.json).toEqual({ nodes: [{ id: 'box-1', dialing: true, groups: ['default'], lastSeen: expect.stringMatching(DATETIME) }] });

    const table = await ccs(svc.url, 'cluster');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^NODE\s+DIALING\s+GROUPS\s+LAST SEEN$/);
    expect(table.out.split('\n')[1]).toMatch(/^box-1\s+yes\s+default\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const json = await ccs(svc.url, 'cluster', '--json');
    expect(JSON.parse(json.out)).toEqual({ nodes: [{ id: 'box-1', dialing: true, groups: ['default'], lastSeen: expect.stringMatching(DATETIME) }] });
  });

  it('with two nodes on one PostgreSQL database: the holder dials; campaigns sent, paused, resumed and closed through the other reach it', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const env = { CCS_DATABASE_URL: db.url, CCS_SIM_AGENTS: '2', CCS_SIM_RING_SECONDS: '30-40' };
    const first = await started(startService('sqlite', { ...env, CCS_NODE_ID: 'node-1' }));
    const second = await started(startService('sqlite', { ...env, CCS_NODE_ID: 'node-2', CCS_SIM_SEED: '2' }));
    const placed = { first: 0, second: 0 };
    first.service.engine.events.on('call:placed', () => placed.first++);
    second.service.engine.events.on('call:placed', () => placed.second++);

    const listed = (await second.request('GET', '/ops/cluster')).json;
    expect(listed.nodes.map((n: any) => [n.id, n.dialing, n.groups])).toEqual([
      ['node-1', true, ['default']],
      ['node-2', false, []],
    ]);

    // The metrics say the same: the holder dials "default", the spare nothing.
    expect((await first.request('GET', '/metrics')).text).toMatch(/^ccs_cluster_dialing_groups\{group="default"\} 1$/m);
    expect((await second.request('GET', '/metrics')).text).not.toMatch(/^ccs_cluster_dialing_groups\{/m);

    // Sent to the node that does not dial: the holder takes it up and dials.
    const sentAt = Date.now();
    let firstPlacedAt = 0;
    first.service.engine.events.on('call:placed', () => (firstPlacedAt ||= Date.now()));
    expect((await second.request('POST', '/api/sendCampaign', { body: campaignBody(51, { contacts: 3 }) })).json).toEqual({ campaignid: 51, status: 1 });
    await waitFor(() => placed.first >= 2, 10_000);
    console.log(`cluster: a campaign sent to the node that does not dial had its first call placed by the holder ${firstPlacedAt - sentAt} ms after the request`);
    expect(first.service.engine.liveCalls().length).toBeGreaterThan(0);

    // A supervisor's pause through the node that does not dial reaches the holder, and so does the resume.
    expect((await second.request('POST', '/ops/campaigns/51/pause')).status).toBe(200);
    await waitFor(() => first.service.engine.controls.isPaused(51), 10_000);
    expect((await second.request('POST', '/ops/campaigns/51/resume')).status).toBe(200);
    await waitFor(() => !first.service.engine.controls.isPaused(51), 10_000);

    // Closed through the node that does not dial: the holder hangs up its ringing legs and finishes it.
    expect((await second.request('GET', '/api/closeCampaign/51')).json).toEqual({ campaignid: 51, status: 1 });
    await waitFor(async () => (await second.request('GET', '/ops/campaigns/51')).json.state === 'finished', 15_000);
    expect((await first.request('GET', '/ops/campaigns/51')).json.finishStatus).toBe('closed');
    expect(placed.second).toBe(0);
    expect(second.service.engine.liveCalls()).toEqual([]);
  });

  it('a node whose lease is taken over stops dialing at once, writes nothing for its calls and frees their agents; the next holder reports each of them once', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const env = { CCS_DATABASE_URL: db.url, CCS_SIM_AGENTS: '3', CCS_SIM_RING_SECONDS: '1-2', CCS_SIM_TALK_SECONDS: '2-4', CCS_SIM_WRAPUP_SECONDS: '0', CCS_LEASE_SECONDS: '5', CCS_NODE_ID: 'node-1' };
    const node = await started(startService('sqlite', env));
    let placed = 0;
    const callIds: string[] = [];
    node.service.engine.events.on('call:placed', (e) => {
      placed++;
      callIds.push(e.callId);
    });
    expect((await node.request('POST', '/api/sendCampaign', { body: campaignBody(61, { contacts: 12 }) })).json).toEqual({ campaignid: 61, status: 1 });
    await waitFor(() => node.service.engine.liveCalls().length >= 2, 10_000);

    // Another holder takes the group (as a node that won the lease would): token + 1, for 30 s.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    cleanups.push(() => admin.end());
    await admin.query(`update dial_leases set holder = 'intruder', instance = 'intruder', token = token + 1, expires_at = now() + interval '30 seconds' where grp = 'default'`);
    await waitFor(() => node.service.coordination.held().length === 0, 10_000);
    const placedAtLoss = placed;
    const droppedCalls = callIds.slice();
    expect(node.service.engine.liveCalls()).toEqual([]);

    // Its calls end on its floor: the agents are free again, no attempt of theirs is written.
    await waitFor(() => node.service.engine.agents().every((a) => a.callId === null), 20_000);
    const open = await admin.query(`select call_id from attempts where campaign_id = 61 and state not in ('ended', 'unplaced')`);
    expect(open.rows.length).toBeGreaterThan(0);
    expect(open.rows.every((r: { call_id: string }) => droppedCalls.includes(r.call_id))).toBe(true);
    expect(placed).toBe(placedAtLoss);

    // The lease runs out: the node takes the group back with a higher token and adopts the calls it gave up.
    await admin.query(`update dial_leases set expires_at = now() where grp = 'default'`);
    await waitFor(() => node.service.coordination.held().length === 1, 10_000);
    const givenUp = open.rows.map((r: { call_id: string }) => r.call_id);
    await waitFor(async () => (await admin.query(`select 1 from attempts where call_id = any($1) and state not in ('ended', 'unplaced')`, [givenUp])).rows.length === 0, 15_000);
    // Each reported once: followed to its end when still up, else with its last known state.
    const updates = await admin.query(`select idempotency_key from outbox where kind = 'update' and idempotency_key = any($1)`, [givenUp]);
    expect(updates.rows.map((r: { idempotency_key: string }) => r.idempotency_key).sort()).toEqual([...givenUp].sort());
    expect(Number((await admin.query(`select token from dial_leases where grp = 'default'`)).rows[0].token)).toBeGreaterThanOrEqual(3);
  });
});
