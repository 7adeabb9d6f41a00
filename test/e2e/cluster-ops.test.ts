/**
 * GET /ops/cluster and `ccs cluster` on one node (SQLite and PostgreSQL), and two in-process
 * nodes on one PostgreSQL database: only the lease holder dials, and a campaign sent to or
 * closed through the other node takes effect on the holder.
 */
import { Value } from '@sinclair/typebox/value';
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

  it('with two nodes on one PostgreSQL database: the holder dials, campaigns sent and closed through the other reach it', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const env = { CCS_DATABASE_URL: db.url, CCS_SIM_AGENTS: '2', CCS_SIM_RING_SECONDS: '30-40', CCS_LEASE_SECONDS: '3' };
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

    // Sent to the node that does not dial: the holder takes it up and dials.
    expect((await second.request('POST', '/api/sendCampaign', { body: campaignBody(51, { contacts: 3 }) })).json).toEqual({ campaignid: 51, status: 1 });
    await waitFor(() => placed.first >= 2, 10_000);
    expect(first.service.engine.liveCalls().length).toBeGreaterThan(0);

    // Closed through the node that does not dial: the holder hangs up its ringing legs and finishes it.
    expect((await second.request('GET', '/api/closeCampaign/51')).json).toEqual({ campaignid: 51, status: 1 });
    await waitFor(async () => (await second.request('GET', '/ops/campaigns/51')).json.state === 'finished', 15_000);
    expect((await first.request('GET', '/ops/campaigns/51')).json.finishStatus).toBe('closed');
    expect(placed.second).toBe(0);
    expect(second.service.engine.liveCalls()).toEqual([]);
  });
});
