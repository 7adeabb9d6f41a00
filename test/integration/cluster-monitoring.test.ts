/**
 * Supervisor monitoring through any node of a cluster: two CCS processes on one PostgreSQL
 * database, on the simulated floor. A supervisor signed in on the spare node listens to a call
 * the other node dials, changes the mode and stops; every answer comes from the spare as if it
 * had served it, the session is recorded once (and stays open in the audit while the spare
 * restarts), and the spare's lists show it while it lasts. A
 * request claiming to come from another node without the cluster's signature is refused, and
 * one for a call whose node does not answer gets a clear error.
 */
import { createHmac } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';
import { dialingNode, nodeEnv, opsGet, sendCampaign, TOKEN } from '../support/cluster-floor.ts';
import { createPostgresDatabase } from '../support/databases.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await killAllCcs();
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(killAllCcs);

/** Every call answered and talked long enough to be monitored. */
const LONG_CALLS = { CCS_SIM_ANSWER_RATE: '1', CCS_SIM_BUSY_RATE: '0', CCS_SIM_RING_SECONDS: '1-1', CCS_SIM_TALK_SECONDS: '120-120' };

async function signIn(ccs: CcsProcess, username: string) {
  const response = await fetch(`${ccs.url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ccs.url }, body: JSON.stringify({ username, password: username }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });
  // The node's address stays the same across its restarts.
  const url = ccs.url;
  return {
    get: async (path: string) => json(await fetch(`${url}${path}`, { headers: { cookie } })),
    post: async (path: string, body: unknown = {}, extra: Record<string, string> = {}) =>
      json(await fetch(`${url}${path}`, { method: 'POST', headers: { cookie, origin: url, 'x-csrf-token': csrfToken, 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) })),
  };
}

describe('monitoring in a cluster on PostgreSQL (real processes)', () => {
  it('a supervisor on the spare node listens to, whispers to and stops monitoring a call the other node dials', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const crm = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const settings = { leaseSeconds: 4, maxAttempts: 1, crmUrl: crm.url, cleanups };
    const first = await startCcs(await nodeEnv('node-1', db.url, settings, LONG_CALLS));
    const logs = () => first.output();
    await waitFor('node-1 dialing the group', async () => ((await dialingNode(first)) === 'node-1' ? true : undefined), 20_000, logs);
    const spareEnv = await nodeEnv('node-2', db.url, settings, LONG_CALLS);
    let spare = await startCcs(spareEnv);
    const both = () => `${first.output()}\n--- node-2 ---\n${spare.output()}`;
    expect(await dialingNode(spare)).toBe('node-1');

    await sendCampaign(spare, 7301, 2);
    const call = await waitFor('a connected call on node-1', async () => {
      const calls = (await opsGet(first, '/ops/calls/live')).calls as { callid: string; state: string; agentcode: string | null }[];
      return calls.find((c) => c.state === 'connected' && c.agentcode);
    }, 30_000, both);
    // The spare's floor does not have the call: the answer below can only come from node-1.
    expect(((await opsGet(spare, '/ops/calls/live')).calls as unknown[]).length).toBe(0);

    const boss = await signIn(spare, 'supervisor');
    const started = await boss.post('/ops/monitoring', { callId: call.callid, mode: 'listen' });
    expect(started).toMatchObject({ status: 200, body: { session: { supervisor: 'supervisor', callId: call.callid, campaignId: 7301, agentCode: call.agentcode, state: 'listening', mode: 'listen' } } });
    // The page's poll, through the spare: the session held by node-1.
    expect(await boss.get('/ops/monitoring/mine')).toMatchObject({ status: 200, body: { session: { callId: call.callid, state: 'listening' } } });
    expect(await boss.post('/ops/monitoring/mine/mode', { mode: 'whisper' })).toMatchObject({ status: 200, body: { session: { callId: call.callid, state: 'whispering', mode: 'whisper' } } });

    // The spare restarts (a rolling deploy): the session node-1 serves stays open in the audit.
    expect(await spare.terminate()).toBe(0);
    spare = await startCcs(spareEnv);
    expect((await opsGet(spare, `/ops/monitoring?callId=${encodeURIComponent(call.callid)}`)).sessions).toMatchObject([{ endedAt: null, endReason: null }]);
    expect(await boss.get('/ops/monitoring/mine')).toMatchObject({ status: 200, body: { session: { callId: call.callid, state: 'whispering' } } });
    // A start on the call already monitored switches the mode, on the node holding the session.
    expect(await boss.post('/ops/monitoring', { callId: call.callid, mode: 'barge' })).toMatchObject({ status: 200, body: { session: { state: 'barging', mode: 'barge' } } });
    const listed = (await opsGet(spare, '/ops/monitoring')).active as { supervisor: string; callId: string; mode: string }[];
    expect(listed.map((s) => [s.supervisor, s.callId, s.mode])).toEqual([['supervisor', call.callid, 'barge']]);
    expect(((await opsGet(first, '/ops/monitoring')).active as unknown[]).length).toBe(1);

    expect(await boss.post('/ops/monitoring/mine/stop')).toMatchObject({ status: 200, body: { session: { callId: call.callid, state: 'ended' } } });
    expect(await boss.get('/ops/monitoring/mine')).toMatchObject({ status: 200, body: { session: null } });
    expect(await boss.post('/ops/monitoring/mine/stop')).toMatchObject({ status: 404, body: { error: { code: 'not-monitoring' } } });

    // Recorded once, with each mode, whichever node is asked.
    for (const node of [spare, first]) {
      const log = await opsGet(node, `/ops/monitoring?callId=${encodeURIComponent(call.callid)}`);
      expect(log.sessions).toHaveLength(1);
      expect(log.sessions[0]).toMatchObject({ supervisor: 'supervisor', endReason: 'stopped' });
      expect(log.sessions[0].modes.map((m: { mode: string }) => m.mode)).toEqual(['listen', 'whisper', 'barge']);
      expect(log.active).toEqual([]);
    }

    // Only nodes pass requests on: the header from outside, unsigned or signed with another secret, is refused.
    const at = String(Date.now());
    const wrong = createHmac('sha256', 'not-the-cluster-secret').update(`node-1;${at};POST /ops/monitoring`).digest('base64url');
    for (const header of ['node-1', `node-1;${at};${wrong}`]) {
      const forged = await boss.post('/ops/monitoring', { callId: call.callid, mode: 'listen' }, { 'x-ccs-forwarded-by': header });
      expect(forged).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    }
    const stillNone = await fetch(`${spare.url}/ops/monitoring`, { headers: { authorization: `Bearer ${TOKEN}`, 'x-ccs-forwarded-by': `node-1;${at};${wrong}` } });
    expect(stillNone.status).toBe(403);
    expect((await opsGet(first, '/ops/monitoring')).active).toEqual([]);

    // The dialing node gone (its lease not run out yet): a clear refusal in the routes' shape, nothing started.
    await first.kill9();
    const unreachable = await boss.post('/ops/monitoring', { callId: call.callid, mode: 'listen' });
    expect(unreachable).toMatchObject({ status: 503, body: { error: { code: 'node-unreachable' } } });
    expect(unreachable.body.error.message).toContain('node-1');
    expect((await opsGet(spare, `/ops/monitoring?callId=${encodeURIComponent(call.callid)}`)).sessions).toHaveLength(1);
  }, 120_000);
});
