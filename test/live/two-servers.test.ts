/**
 * CCS as real processes on two live Asterisk servers (SIPp carrier and agents on each), judged
 * from the CRM's side:
 *  1. one CCS on both servers; the first server is killed (SIGKILL, as a crash: no clean
 *     hang-up) while calls are connected on it, then started again;
 *  2. two CCS nodes on one PostgreSQL database; the dialing node is killed with SIGKILL during
 *     a connected call, the other takes the group over within the lease + 5 s, follows the call
 *     to its end and reports it ANSWERED with the whole talk and a recording that downloads.
 * Not part of CI; run with `npm run test:asterisk` (docs/asterisk.md, "Two servers and a cluster, live").
 *
 * Environment (the file is skipped unless the first three are set):
 *   CCS_LIVE_ARI_SERVERS  the servers as CCS_ARI_SERVERS (JSON; name, url, user, password,
 *                         agents, dialTemplate), at least two; the first is the one killed
 *   CCS_LIVE_KILL_SERVER  shell command that kills the first server with SIGKILL
 *   CCS_LIVE_START_SERVER shell command that starts it again (may return before ARI is up)
 *   CCS_AGENTS            optional: the agents' phones (default Agent/N=PJSIP/N for every agent listed)
 *   CCS_TEST_POSTGRES_URL PostgreSQL admin URL for the cluster case (default postgres@127.0.0.1:5432)
 * The carrier is sipp/carrier.xml: numbers ending in 0 answer and talk until hung up (the test
 * hangs the customer up after a while, as a customer would), 1 is busy, 2 rings until the ring
 * timeout, 5 answers and hangs up 3 s later.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime, parseContractDatetime } from '../../src/domain/local-time.ts';
import { freePort, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, type CcsProcess } from '../support/ccs-process.ts';
import { dialingNode, finishesOf, judgeFromTheCrm, judgeFromTheDatabase, nodeEnv, opsGet, takenOver, TOKEN, updatesOf } from '../support/cluster-floor.ts';
import { createPostgresDatabase } from '../support/databases.ts';
import { AriProbe, pause, waitFor, wavRms } from './live-support.ts';

const env = process.env;
interface LiveServer {
  name: string;
  url: string;
  user?: string;
  password?: string;
  agents: string[];
}
const servers: LiveServer[] = env.CCS_LIVE_ARI_SERVERS ? (JSON.parse(env.CCS_LIVE_ARI_SERVERS) as LiveServer[]) : [];
const live = servers.length >= 2 && Boolean(env.CCS_LIVE_KILL_SERVER) && Boolean(env.CCS_LIVE_START_SERVER);
const agentsSetting = env.CCS_AGENTS ?? servers.flatMap((s) => s.agents.map((code) => `${code}=PJSIP/${code.split('/').pop()}`)).join(',');
const probes = servers.map((s) => new AriProbe(s.url, s.user ?? 'ccs', s.password ?? env.CCS_ARI_PASSWORD ?? ''));

const TZ = 'Asia/Ho_Chi_Minh';
const MAX_ATTEMPTS = 3;
/** How long a customer who answered (…0) stays on the line before hanging up. */
const TALK_MS = 8000;
/** Campaign ids of this run: call ids (and so Asterisk channel ids) derive from them, and a server may still hold an earlier run's. */
const RUN = 1000 * (1 + (Math.floor(Date.now() / 1000) % 100_000));

const timeOf = (datetime: string): number => {
  const at = parseContractDatetime(datetime, TZ);
  if (at === null) throw new Error(`not a contract datetime: ${datetime}`);
  return at;
};
/** ARI's "2026-12-01T10:04:12.345+0000" as epoch ms. */
const ariTime = (s: string) => Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));

type Channel = { id: string; name: string; state: string; creationtime: string };
const trunkChannels = async (probe: AriProbe): Promise<Channel[]> =>
  ((await probe.request<Channel[]>('GET', '/channels').catch(() => ({ body: [] as Channel[] }))).body ?? []).filter((c) => c.name.startsWith('PJSIP/trunk-'));

/** Customers of numbers ending in 0 hang up once they have been up TALK_MS (a loop the test stops). */
function customersHangingUp(isUp: (i: number) => boolean) {
  let running = true;
  const done = (async () => {
    while (running) {
      for (const [i, probe] of probes.entries()) {
        if (!isUp(i)) continue;
        for (const c of await trunkChannels(probe)) {
          if (c.state === 'Up' && Date.now() - ariTime(c.creationtime) > TALK_MS) await probe.request('DELETE', `/channels/${encodeURIComponent(c.id)}`).catch(() => undefined);
        }
      }
      await pause(500);
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

/** Mixing bridges holding a customer and an agent on one server. */
async function connectedCalls(probe: AriProbe): Promise<string[]> {
  const { body } = await probe.request<{ id: string; bridge_type: string; channels: string[] }[]>('GET', '/bridges').catch(() => ({ body: [] }));
  return (body ?? []).filter((b) => b.bridge_type === 'mixing' && b.channels.length >= 2).map((b) => b.id);
}

function campaign(id: number, digits: number[]) {
  const now = Date.now();
  return {
    campaignid: id,
    starttime: formatContractDatetime(now - 1000, TZ),
    endtime: formatContractDatetime(now + 3600_000, TZ),
    contact: digits.map((d, i) => ({ id: i + 1, phonenumber: `09${String(id % 100).padStart(2, '0')}${String(10000 + i)}${d}` })),
  };
}

async function send(ccs: CcsProcess, body: ReturnType<typeof campaign>) {
  const response = await fetch(`${ccs.url}/api/sendCampaign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect({ status: response.status, json: await response.json() }).toEqual({ status: 200, json: { campaignid: body.campaignid, status: 1 } });
}

/** Agents on the floor (any state but offline) as a node sees them. */
const onlineAgents = async (ccs: CcsProcess) => ((await opsGet(ccs, '/ops/agents').catch(() => ({ agents: [] }))).agents as { agentcode: string; state: string }[]).filter((a) => a.state !== 'offline').map((a) => a.agentcode);

if (!live) console.log('test/live/two-servers.test.ts skipped: set CCS_LIVE_ARI_SERVERS (two servers or more), CCS_LIVE_KILL_SERVER and CCS_LIVE_START_SERVER (docs/asterisk.md, "Two servers and a cluster, live")');
describe.skipIf(!live)('CCS on two live Asterisk servers', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    await killAllCcs();
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(killAllCcs);

  const baseEnv = async (crm: CallbackReceiver) => {
    const configDir = mkdtempSync(join(tmpdir(), 'ccs-live-two-'));
    cleanups.push(() => rmSync(configDir, { recursive: true, force: true }));
    writeFileSync(join(configDir, 'ccs.config.json'), JSON.stringify({ defaultProfile: { ringTimeoutSeconds: 8, dialMode: 'progressive' } }));
    return {
      CCS_CONFIG: join(configDir, 'ccs.config.json'),
      CCS_TELEPHONY: 'asterisk',
      CCS_ARI_SERVERS: JSON.stringify(servers),
      CCS_ARI_SERVER_DOWN_SECONDS: '5',
      CCS_ARI_PASSWORD: env.CCS_ARI_PASSWORD ?? '',
      CCS_AGENTS: agentsSetting,
      CCS_AGENT_WRAPUP_SECONDS: '0',
      CCS_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      CCS_RETRY_DELAY_SECONDS: '1',
      CCS_CRM_URL: crm.url,
    };
  };

  it('the first server killed while calls are connected on it: every update before the finish, statuses right, limits kept; started again it takes calls', async () => {
    const crm = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const dataDir = mkdtempSync(join(tmpdir(), 'ccs-live-two-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const ccs = await startCcs({ ...(await baseEnv(crm)), CCS_PORT: String(port), CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dataDir, CCS_OPERATOR_TOKEN: TOKEN, CCS_LOG_LEVEL: 'warn' });
    const logs = () => ccs.output();
    const allAgents = servers.flatMap((s) => s.agents);
    await waitFor(async () => (await onlineAgents(ccs)).length === allAgents.length, 'every agent online', 30_000);

    let firstUp = true;
    const stopHangingUp = customersHangingUp((i) => i > 0 || firstUp);
    cleanups.push(stopHangingUp);
    const digits = Array.from({ length: 16 }, (_, i) => [0, 0, 1, 0, 5, 0, 2, 0][i % 8]!);
    await send(ccs, campaign(RUN + 1, digits));

    // Kill the first server while a customer of it talks to one of its agents.
    await waitFor(async () => (await connectedCalls(probes[0]!)).length > 0, 'a connected call on the first server', 60_000);
    const killedAt = Date.now();
    execSync(env.CCS_LIVE_KILL_SERVER!, { stdio: 'ignore' });
    firstUp = false;
    console.log(`two servers: ${servers[0]!.name} killed with a call connected, ${updatesOf(crm, RUN + 1).length} updates so far`);

    // Its agents leave the floor; the calls go on through the other server.
    await waitFor(async () => !(await onlineAgents(ccs)).some((a) => servers[0]!.agents.includes(a)), 'the killed server\'s agents off the floor', 30_000);

    await judgeFromTheCrm(crm, ccs, { campaignId: RUN + 1, contacts: digits.length, maxAttempts: MAX_ATTEMPTS }, logs, 240_000);
    const updates = updatesOf(crm, RUN + 1).map((u) => JSON.parse(u.body));
    const counts: Record<string, number> = {};
    for (const u of updates) counts[u.status] = (counts[u.status] ?? 0) + 1;
    console.log(`two servers: ${updates.length} updates for 16 contacts: ${JSON.stringify(counts)}`);
    const statusOf = (digit: number) => updates.filter((u) => u.phonenumber.endsWith(String(digit))).map((u) => u.status as string);
    // A call cut by the crash after its agent took it is still ANSWERED; nothing else is invented.
    expect(statusOf(0).every((s) => ['ANSWERED', 'ABANDONED', 'FAILED'].includes(s))).toBe(true);
    expect(statusOf(0).filter((s) => s === 'ANSWERED').length).toBeGreaterThan(0);
    expect(statusOf(5).every((s) => ['ANSWERED', 'ABANDONED', 'FAILED'].includes(s))).toBe(true);
    expect(statusOf(1).every((s) => s === 'BUSY' || s === 'FAILED')).toBe(true);
    expect(statusOf(2).every((s) => s === 'NO ANSWER' || s === 'FAILED')).toBe(true);
    // Busy and unanswered contacts were tried up to the limit.
    for (const digit of [1, 2]) {
      const perContact = new Map<number, number>();
      for (const u of updates.filter((x) => x.phonenumber.endsWith(String(digit)))) perContact.set(u.contact_id, (perContact.get(u.contact_id) ?? 0) + 1);
      for (const n of perContact.values()) expect(n).toBe(MAX_ATTEMPTS);
    }
    // A call the killed server was carrying ends no earlier than the crash.
    const answeredAcrossTheKill = updates.filter((u) => u.status === 'ANSWERED' && timeOf(u.starttime) < killedAt && timeOf(u.endtime) >= killedAt - 1000);
    expect(answeredAcrossTheKill.length).toBeGreaterThan(0);

    // Started again: its agents come back and it takes calls again.
    execSync(env.CCS_LIVE_START_SERVER!, { stdio: 'ignore' });
    await waitFor(async () => (await probes[0]!.request('GET', '/asterisk/info').catch(() => ({ status: 0 }))).status === 200, 'the server back', 60_000);
    firstUp = true;
    await waitFor(async () => (await onlineAgents(ccs)).length === allAgents.length, 'its agents back on the floor', 60_000);
    await send(ccs, campaign(RUN + 2, [5, 5, 5, 5, 5, 5]));
    let placedOnFirst = 0;
    await waitFor(async () => {
      placedOnFirst = Math.max(placedOnFirst, (await trunkChannels(probes[0]!)).length);
      return finishesOf(crm, RUN + 2).length > 0;
    }, 'the second campaign finished', 120_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    expect(placedOnFirst).toBeGreaterThan(0);
    await judgeFromTheCrm(crm, ccs, { campaignId: RUN + 2, contacts: 6, maxAttempts: MAX_ATTEMPTS }, logs);
  }, 420_000);

  it('two CCS nodes on PostgreSQL: the dialing node killed during a connected call, the other follows the call to its end and reports it right', async () => {
    const db = await createPostgresDatabase();
    cleanups.push(() => db.drop());
    const crm = await startCallbackReceiver();
    cleanups.push(() => crm.close());
    const recordings = mkdtempSync(join(tmpdir(), 'ccs-live-recordings-'));
    cleanups.push(() => rmSync(recordings, { recursive: true, force: true }));
    const LEASE = 5;
    const settings = { leaseSeconds: LEASE, maxAttempts: MAX_ATTEMPTS, crmUrl: crm.url, cleanups };
    const shared = { ...(await baseEnv(crm)), CCS_RECORDINGS_DIR: recordings };
    const first = await startCcs(await nodeEnv('node-1', db.url, settings, shared));
    const second = await startCcs(await nodeEnv('node-2', db.url, settings, shared));
    const logs = () => [first, second].map((n) => n.output()).join('\n----\n');
    expect(await dialingNode(second)).toBe('node-1');
    await waitFor(async () => (await onlineAgents(first)).length > 0, 'agents online on the dialing node', 30_000);

    // One customer who talks until the test hangs them up.
    await send(second, campaign(RUN + 11, [0]));
    let server = -1;
    await waitFor(async () => {
      for (const [i, p] of probes.entries()) if ((await connectedCalls(p)).length > 0) server = i;
      return server >= 0;
    }, 'the call connected', 60_000).catch(async (e: Error) => {
      throw new Error(`${e.message}\nlive on node-1: ${JSON.stringify(await opsGet(first, '/ops/calls/live'))}\n${logs()}`);
    });
    const connectedAt = Date.now();
    await pause(2000);
    await first.kill9();
    const heir = await takenOver(second, 'node-1', LEASE, logs, 'kill -9 during a connected call');
    expect(heir).toBe('node-2');
    // The call is still up, now followed by node-2; the customer talks on a little, then hangs up.
    expect(await connectedCalls(probes[server]!)).toHaveLength(1);
    await waitFor(async () => ((await opsGet(second, '/ops/calls/live')).calls as unknown[]).length === 1, 'node-2 following the call', 15_000);
    await pause(3000);
    const [customer] = await trunkChannels(probes[server]!);
    expect(customer).toBeDefined();
    await probes[server]!.request('DELETE', `/channels/${encodeURIComponent(customer!.id)}`);
    const hungUpAt = Date.now();

    await judgeFromTheCrm(crm, second, { campaignId: RUN + 11, contacts: 1, maxAttempts: MAX_ATTEMPTS }, logs, 60_000);
    await judgeFromTheDatabase(db.url, RUN + 11, MAX_ATTEMPTS);
    const [update] = updatesOf(crm, RUN + 11).map((u) => JSON.parse(u.body));
    expect(update).toMatchObject({ status: 'ANSWERED' });
    const talkSeconds = update.duration - update.ringtime;
    console.log(`cluster on Asterisk: update ${JSON.stringify(update)}; measured talk ≥ ${((hungUpAt - connectedAt) / 1000).toFixed(1)} s`);
    expect(talkSeconds).toBeGreaterThanOrEqual(Math.floor((hungUpAt - connectedAt) / 1000) - 1);
    expect(talkSeconds).toBeLessThan((hungUpAt - connectedAt) / 1000 + 10);
    // Nothing of the call is left on the PBX: the heir hung the agent's leg up and dropped the bridge.
    await waitFor(async () => !(await probes[server]!.channels()).some((c) => c.id.startsWith(update.callid)), 'the call\'s channels gone', 10_000);
    expect(await probes[server]!.bridgeChannels(`${update.callid}-bridge`)).toBeNull();
    const recording = await fetch(update.link_down_record);
    expect(recording.status).toBe(200);
    const bytes = Buffer.from(await recording.arrayBuffer());
    expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wavRms(bytes)).toBeGreaterThan(300);
  }, 240_000);
});
