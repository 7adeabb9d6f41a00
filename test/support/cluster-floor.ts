/**
 * CCS nodes as real processes on one PostgreSQL database, each on the simulated floor, and the
 * judge of what the CRM received: the fault tests that kill a node, cut it off, restart or
 * promote its database share them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { freePort, type CallbackReceiver } from './callback-receiver.ts';
import { waitFor, type CcsProcess } from './ccs-process.ts';

const TZ = 'Asia/Ho_Chi_Minh';
export const TOKEN = 'cluster-floor-token';

export interface FloorSettings {
  leaseSeconds: number;
  maxAttempts: number;
  crmUrl: string;
  /** Folders removed when the test is done. */
  cleanups: (() => Promise<void> | void)[];
}

/** The environment of one node: its own port and data folder, the cluster's shared settings. */
export async function nodeEnv(name: string, databaseUrl: string, s: FloorSettings, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const dataDir = mkdtempSync(join(tmpdir(), `ccs-${name}-`));
  s.cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  return {
    CCS_PORT: String(port),
    CCS_HOST: '127.0.0.1',
    CCS_DATA_DIR: dataDir,
    CCS_DATABASE_URL: databaseUrl,
    CCS_NODE_ID: name,
    CCS_LEASE_SECONDS: String(s.leaseSeconds),
    CCS_CRM_URL: s.crmUrl,
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
    CCS_RETRY_MAX_ATTEMPTS: String(s.maxAttempts),
    ...extra,
  };
}

export const opsGet = async (ccs: CcsProcess, path: string) => (await fetch(`${ccs.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;
export const clusterOf = async (ccs: CcsProcess) => ((await opsGet(ccs, '/ops/cluster').catch(() => ({ nodes: [] }))).nodes ?? []) as { id: string; dialing: boolean; groups: string[] }[];
export const dialingNode = async (ccs: CcsProcess): Promise<string | undefined> => (await clusterOf(ccs)).find((n) => n.groups.includes('default'))?.id;

/** The customer legs a node has placed since it started (its metrics). */
export async function callsPlacedBy(ccs: CcsProcess): Promise<number> {
  const text = await (await fetch(`${ccs.url}/metrics`)).text();
  const m = /^ccs_calls_placed_total (\d+)/m.exec(text);
  if (!m) throw new Error('no ccs_calls_placed_total in /metrics');
  return Number(m[1]);
}

export function campaignRequest(id: number, contacts: number) {
  const now = Date.now();
  return {
    campaignid: id,
    starttime: formatContractDatetime(now - 1000, TZ),
    endtime: formatContractDatetime(now + 3600_000, TZ),
    contact: Array.from({ length: contacts }, (_, i) => ({ id: i + 1, phonenumber: `0914${String(id % 100).padStart(2, '0')}${String(10000 + i)}` })),
  };
}

/** POSTs a sendCampaign; resolves with the status and the contract's answer. */
export async function postCampaign(ccs: CcsProcess, id: number, contacts: number): Promise<{ status: number; json: any }> {
  const response = await fetch(`${ccs.url}/api/sendCampaign`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(campaignRequest(id, contacts)) });
  return { status: response.status, json: await response.json() };
}

export async function sendCampaign(ccs: CcsProcess, id: number, contacts: number): Promise<void> {
  expect(await postCampaign(ccs, id, contacts)).toEqual({ status: 200, json: { campaignid: id, status: 1 } });
}

const bodyOf = (r: { body: string }) => JSON.parse(r.body);
export const updatesOf = (crm: CallbackReceiver, id?: number) => crm.accepted().filter((r) => r.path === '/api/updateCampaign' && (id === undefined || bodyOf(r).campaignid === id));
export const finishesOf = (crm: CallbackReceiver, id?: number) => crm.accepted().filter((r) => r.path === '/api/finishCampaign' && (id === undefined || bodyOf(r).campaignid === id));

/** Waits for the node that dials to have reported calls and have more up. */
export async function callsUnderWay(crm: CallbackReceiver, dialing: CcsProcess, logs: () => string) {
  await waitFor('the dialing node reporting calls with more up', async () => (updatesOf(crm).length >= 3 && ((await opsGet(dialing, '/ops/calls/live')).calls as unknown[]).length >= 2 ? true : undefined), 30_000, logs);
}

/** The bound: the group is dialed again by another node within the lease + 5 s. */
export async function takenOver(observer: CcsProcess, lost: string, leaseSeconds: number, logs: () => string, what: string): Promise<string> {
  const since = Date.now();
  const heir = await waitFor('another node dialing the group', async () => {
    const holder = await dialingNode(observer);
    return holder && holder !== lost ? holder : undefined;
  }, (leaseSeconds + 5) * 1000, logs);
  console.log(`cluster failover (${what}): ${heir} dials the group ${((Date.now() - since) / 1000).toFixed(1)} s later (lease ${leaseSeconds} s)`);
  return heir;
}

export interface Verdict {
  campaignId: number;
  contacts: number;
  maxAttempts: number;
  /** Calls of a lost node must have been adopted (ended "after a restart") by another. */
  adopted?: boolean;
}

/** What the CRM received for one campaign, checked against the attempts the database holds. */
export async function judgeFromTheCrm(crm: CallbackReceiver, survivor: CcsProcess, v: Verdict, logs: () => string, finishWithinMs = 120_000) {
  const id = v.campaignId;
  await waitFor(`finishCampaign ${id}`, () => (finishesOf(crm, id).length > 0 ? true : undefined), finishWithinMs, logs);
  const attempts = (await opsGet(survivor, `/ops/campaigns/${id}/attempts?limit=1000`)).attempts as { callid: string; state: string; cause: string | null }[];

  // One update per attempt id (a repeat only as the same body under the same key).
  const byCallId = new Map<string, Set<string>>();
  for (const u of updatesOf(crm, id)) {
    const body = bodyOf(u);
    expect(u.headers['idempotency-key']).toBe(body.callid);
    byCallId.set(body.callid, (byCallId.get(body.callid) ?? new Set()).add(u.body));
  }
  for (const bodies of byCallId.values()) expect(bodies.size).toBe(1);
  expect(attempts.every((a) => a.state === 'ended' || a.state === 'unplaced')).toBe(true);
  expect([...byCallId.keys()].sort()).toEqual(attempts.filter((a) => a.state === 'ended').map((a) => a.callid).sort());
  if (v.adopted) expect(attempts.filter((a) => a.cause?.includes('after a restart')).length).toBeGreaterThan(0);

  // Per contact: no more attempts than the limit, and never two calls at once.
  const perContact = new Map<number, { start: string; end: string }[]>();
  for (const bodies of byCallId.values()) {
    const u = JSON.parse([...bodies][0]!);
    perContact.set(u.contact_id, [...(perContact.get(u.contact_id) ?? []), { start: u.starttime, end: u.endtime }]);
  }
  for (const calls of perContact.values()) {
    expect(calls.length).toBeLessThanOrEqual(v.maxAttempts);
    calls.sort((a, b) => a.start.localeCompare(b.start));
    for (let i = 1; i < calls.length; i++) expect(calls[i]!.start >= calls[i - 1]!.end, JSON.stringify(calls)).toBe(true);
  }

  // Exactly one finish (a repeat only as the same body under the same key), after every update.
  expect(new Set(finishesOf(crm, id).map((f) => f.body)).size).toBe(1);
  for (const f of finishesOf(crm, id)) expect(f.headers['idempotency-key']).toBe(`finish-${id}`);
  const accepted = crm.accepted();
  const isUpdate = (r: (typeof accepted)[number]) => r.path === '/api/updateCampaign' && bodyOf(r).campaignid === id;
  const lastUpdate = Math.max(...accepted.map((r, i) => (isUpdate(r) ? i : -1)));
  expect(lastUpdate).toBeLessThan(accepted.findIndex((r) => r.path === '/api/finishCampaign' && bodyOf(r).campaignid === id));
  expect(bodyOf(finishesOf(crm, id)[0]!)).toMatchObject({ campaignid: id, status: 'completed', contact_total: v.contacts });
}

/**
 * The same rules read from the database itself: every attempt ended, none beyond a contact's
 * limit, and a contact's attempts never overlap in time (started after the previous ended).
 */
export async function judgeFromTheDatabase(databaseUrl: string, campaignId: number, maxAttempts: number): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ contact_id: number; attempt_no: number; state: string; started_at: string; ended_at: string | null }>(
      `select contact_id, attempt_no, state, started_at, ended_at from attempts where campaign_id = $1 and state <> 'unplaced' order by contact_id, started_at`,
      [campaignId],
    );
    const perContact = new Map<number, typeof rows>();
    for (const r of rows) perContact.set(r.contact_id, [...(perContact.get(r.contact_id) ?? []), r]);
    for (const [contact, attempts] of perContact) {
      expect(attempts.length, `contact ${contact}`).toBeLessThanOrEqual(maxAttempts);
      for (const a of attempts) expect(a.state, `contact ${contact}`).toBe('ended');
      for (let i = 1; i < attempts.length; i++) expect(Number(attempts[i]!.started_at), JSON.stringify(attempts)).toBeGreaterThanOrEqual(Number(attempts[i - 1]!.ended_at));
    }
    return rows.length;
  } finally {
    await client.end();
  }
}
