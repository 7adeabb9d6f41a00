/**
 * SIGKILL and restart of a real CCS process while the CRM is down.
 *
 * 1. A state change whose callback was never delivered (a campaign closed, its
 *    finishCampaign refused by the CRM) is delivered after the restart.
 * 2. Killed in the middle of a dialling campaign: after the restart every attempt is reported
 *    exactly once per call id (a repeat on the wire only with the same Idempotency-Key), the
 *    calls that were in flight are reported with the reconciler's status, no contact is dialled
 *    beyond CCS_RETRY_MAX_ATTEMPTS and the totals of finishCampaign are right.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { freePort, startCallbackReceiver, type CallbackReceiver } from '../support/callback-receiver.ts';
import { killAllCcs, startCcs, waitFor, type CcsProcess } from '../support/ccs-process.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const MAX_ATTEMPTS = 3;

interface Attempt {
  callid: string;
  contactId: number;
  attemptNo: number;
  state: string;
  status: string | null;
  cause: string | null;
  answertime: string | null;
  connectedAt: string | null;
}

const dirs: string[] = [];
const receivers: CallbackReceiver[] = [];
afterEach(async () => {
  await killAllCcs();
  for (const r of receivers.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(killAllCcs);

async function setUp(extraEnv: Record<string, string> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccs-crash-'));
  dirs.push(dataDir);
  const crm = await startCallbackReceiver({ behaviour: () => 503 }); // the CRM is down
  receivers.push(crm);
  writeFileSync(join(dataDir, 'ccs.config.json'), JSON.stringify({ defaultProfile: { ringTimeoutSeconds: 5 } }));
  const env = {
    CCS_PORT: String(await freePort()),
    CCS_HOST: '127.0.0.1',
    CCS_DATA_DIR: dataDir,
    CCS_CONFIG: join(dataDir, 'ccs.config.json'),
    CCS_CRM_URL: crm.url,
    CCS_LOG_LEVEL: 'warn',
    CCS_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    CCS_RETRY_DELAY_SECONDS: '1',
    ...extraEnv,
  };
  return { crm, env };
}

const json = async (url: string, init?: RequestInit) => (await fetch(url, init)).json() as Promise<any>;

function sendCampaign(ccs: CcsProcess, id: number, contacts: number, startsInMs: number) {
  const now = Date.now();
  return json(`${ccs.url}/api/sendCampaign`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      campaignid: id,
      starttime: formatContractDatetime(now + startsInMs, TZ),
      endtime: formatContractDatetime(now + startsInMs + 30 * 60_000, TZ),
      contact: Array.from({ length: contacts }, (_, i) => ({ id: i + 1, phonenumber: `09120${String(10000 + i)}` })),
    }),
  });
}

describe('crash and restart (SIGKILL, real processes)', () => {
  it('delivers after a restart the finishCampaign of a close whose delivery the crash interrupted', async () => {
    const { crm, env } = await setUp({ CCS_SIM_AGENTS: '0' });
    let ccs = await startCcs(env);
    expect(await sendCampaign(ccs, 801, 3, 3600_000)).toEqual({ campaignid: 801, status: 1 });
    expect(await json(`${ccs.url}/api/closeCampaign/801`)).toEqual({ campaignid: 801, status: 1 });
    // The finish row is written and its delivery has been refused at least once.
    await waitFor('a refused finishCampaign', () => crm.received.find((r) => r.path === '/api/finishCampaign' && r.status === 503), 30_000, ccs.output);
    const pending = (await json(`${ccs.url}/ops/outbox?state=pending`)).callbacks as { idempotencyKey: string }[];
    expect(pending.map((c) => c.idempotencyKey)).toEqual(['finish-801']);
    await ccs.kill9();

    crm.respondWith(() => 200);
    ccs = await startCcs(env);
    const delivered = await waitFor('the finishCampaign after the restart', () => crm.accepted().find((r) => r.path === '/api/finishCampaign'), 90_000, ccs.output);
    expect(delivered.headers['idempotency-key']).toBe('finish-801');
    expect(JSON.parse(delivered.body)).toEqual({ campaignid: 801, status: 'closed', contact_total: 3, contact_success: 0 });
    expect(crm.accepted().filter((r) => r.path === '/api/updateCampaign')).toEqual([]);
  }, 180_000);

  it('after a SIGKILL mid-campaign with the CRM down, reports every attempt once, keeps the attempt limit and the totals', async () => {
    const { crm, env } = await setUp({
      CCS_SIM_AGENTS: '8',
      CCS_SIM_SEED: '5',
      CCS_SIM_ANSWER_RATE: '0.5',
      CCS_SIM_BUSY_RATE: '0.2',
      CCS_SIM_CONGESTION_RATE: '0.1',
      CCS_SIM_FAIL_RATE: '0.1',
      CCS_SIM_RING_SECONDS: '1-3',
      CCS_SIM_TALK_SECONDS: '2-4',
      CCS_SIM_WRAPUP_SECONDS: '0',
    });
    const CONTACTS = 10;
    let ccs = await startCcs(env);
    expect(await sendCampaign(ccs, 802, CONTACTS, -1000)).toEqual({ campaignid: 802, status: 1 });

    // Let some attempts end (their reports refused by the CRM) while others are still up, then kill.
    const inFlight = await waitFor(
      'ended attempts and calls in flight',
      async () => {
        const refused = new Set(crm.received.filter((r) => r.path === '/api/updateCampaign').map((r) => r.headers['idempotency-key']));
        if (refused.size < 3) return undefined;
        const live = (await json(`${ccs.url}/ops/calls/live`)).calls as { callid: string }[];
        return live.length > 0 ? live.map((c) => c.callid) : undefined;
      },
      60_000,
      ccs.output,
    );
    await ccs.kill9();
    expect(crm.accepted()).toEqual([]);

    crm.respondWith(() => 200);
    ccs = await startCcs(env);
    const finishRequest = await waitFor('finishCampaign after the restart', () => crm.accepted().find((r) => r.path === '/api/finishCampaign'), 150_000, ccs.output);

    const attempts = (await json(`${ccs.url}/ops/campaigns/802/attempts?limit=1000`)).attempts as Attempt[];
    const accepted = crm.accepted().map((r, index) => ({ ...r, index, json: JSON.parse(r.body) }));
    const updates = accepted.filter((r) => r.path === '/api/updateCampaign');

    // Every attempt reported, none invented; a repeat only with the same key and the same body.
    const byKey = new Map<string, string[]>();
    for (const u of updates) {
      expect(u.headers['idempotency-key']).toBe(u.json.callid);
      byKey.set(u.json.callid, [...(byKey.get(u.json.callid) ?? []), u.body]);
    }
    for (const bodies of byKey.values()) expect(new Set(bodies).size).toBe(1);
    expect(attempts.every((a) => a.state === 'ended')).toBe(true);
    expect([...byKey.keys()].sort()).toEqual(attempts.map((a) => a.callid).sort());

    // Attempt limit: call ids ccs-<campaign>-<contact>-<n>, n = 1..k without gaps, k ≤ the maximum.
    const numbers = new Map<number, number[]>();
    for (const callid of byKey.keys()) {
      const [, campaign, contact, n] = /^ccs-(\d+)-(\d+)-(\d+)$/.exec(callid)!.map(Number);
      expect(campaign).toBe(802);
      numbers.set(contact!, [...(numbers.get(contact!) ?? []), n!]);
    }
    for (const list of numbers.values()) {
      expect(list.sort((a, b) => a - b)).toEqual(Array.from({ length: list.length }, (_, i) => i + 1));
      expect(list.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
    }
    expect(Math.max(...attempts.map((a) => a.attemptNo))).toBeLessThanOrEqual(MAX_ATTEMPTS);

    // The calls up at the kill were reported with the reconciler's status.
    const reconciled = attempts.filter((a) => a.cause?.includes('outcome unknown after a restart'));
    expect(reconciled.length).toBeGreaterThan(0);
    expect(reconciled.some((a) => inFlight.includes(a.callid))).toBe(true);
    for (const a of reconciled) {
      expect(a.status).toBe(a.connectedAt !== null ? 'ANSWERED' : a.answertime !== null ? 'ABANDONED' : 'FAILED');
    }
    for (const callid of inFlight) expect(byKey.has(callid)).toBe(true);

    // finishCampaign last, with the contract's totals.
    expect(Math.max(...updates.map((u) => u.index))).toBeLessThan(accepted.find((r) => r.path === '/api/finishCampaign')!.index);
    const reached = new Set(updates.filter((u) => u.json.status === 'ANSWERED').map((u) => u.json.contact_id));
    expect(finishRequest.headers['idempotency-key']).toBe('finish-802');
    expect(JSON.parse(finishRequest.body)).toEqual({ campaignid: 802, status: 'completed', contact_total: CONTACTS, contact_success: reached.size });
    for (let id = 1; id <= CONTACTS; id++) expect(reached.has(id) || numbers.get(id)?.length === MAX_ATTEMPTS).toBe(true);
  }, 300_000);
});
