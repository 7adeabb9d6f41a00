/**
 * The desk's disposition and callback API over HTTP, against the real service: only the
 * agent's own calls; bad input answers 4xx with a code and changes nothing; one code per call;
 * the callback time is checked before it is saved; supervisors' lists are theirs only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';

interface Client {
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
}

async function signIn(url: string, username: string): Promise<Client> {
  const response = await fetch(`${url}/ui/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ username, password: username }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    get: (path) => fetch(`${url}${path}`, { headers: { cookie } }),
    post: (path, body = {}) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { cookie, origin: url, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
  };
}

/** Signs agent1 in, gets it a call of a one-contact campaign, hangs up; the call's id. */
async function endedCall(ccs: UiService, agent: Client, campaignId: number, phone: string): Promise<string> {
  expect((await agent.post('/ui/agent/sign-in')).status).toBe(200);
  await ccs.sendCampaign(campaignId, [{ id: 1, phonenumber: phone }]);
  const talking = await eventually('a call for Agent/1001', () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001' && a.activity === 'talking'));
  const callId = talking.callId!;
  expect((await agent.post('/ui/agent/hangup')).status).toBe(200);
  await eventually('the attempt ended', async () => (await ccs.service.store.getAttempt(callId))?.state === 'ended');
  return callId;
}

const CONTRACT_FIELDS = ['agentcode', 'answertime', 'callid', 'campaignid', 'contact_id', 'duration', 'endtime', 'link_down_record', 'phonenumber', 'ringtime', 'starttime', 'station_id', 'status'];

describe('CRM updates and dispositions', () => {
  let crm: FakeCrm;
  afterEach(async () => {
    await crm?.close();
  });

  it('by default the CRM gets the contract’s 13 fields at the end of the call, before any disposition', async () => {
    crm = await startFakeCrm();
    const ccs = await startUiService({ crmUrl: crm.url });
    try {
      const agent = await signIn(ccs.url, 'agent1');
      const callId = await endedCall(ccs, agent, 4501, '0987000501');
      const update = await eventually('the update at the CRM', () => crm.updates.find((u) => u.callid === callId));
      expect(Object.keys(update).sort()).toEqual(CONTRACT_FIELDS);
      expect((await agent.post('/ui/agent/disposition', { callId, code: 'done' })).status).toBe(200);
    } finally {
      await ccs.close();
    }
  }, 60_000);

  it('with CCS_CRM_EXTRA_FIELDS the update waits for the disposition and carries it with the note', async () => {
    crm = await startFakeCrm();
    const ccs = await startUiService({ crmUrl: crm.url, env: { CCS_CRM_EXTRA_FIELDS: 'true' } });
    try {
      const agent = await signIn(ccs.url, 'agent1');
      const callId = await endedCall(ccs, agent, 4502, '0987000502');
      expect((await agent.post('/ui/agent/note', { callId, note: 'gọi lại sau 5 giờ chiều' })).status).toBe(200);
      // Held: the outbox row waits for the code (its delivery is not yet due).
      const [row] = await ccs.service.store.listCallbacks({ campaignId: 4502, limit: 10 });
      expect(row!.nextAttemptAt).toBeGreaterThan(Date.now() + 60_000);
      expect(crm.updates.find((u) => u.callid === callId)).toBeUndefined();
      expect((await agent.post('/ui/agent/disposition', { callId, code: 'not-interested' })).status).toBe(200);
      const update = await eventually('the update at the CRM', () => crm.updates.find((u) => u.callid === callId));
      expect(Object.keys(update).sort()).toEqual([...CONTRACT_FIELDS, 'disposition', 'note'].sort());
      expect(update).toMatchObject({ status: 'ANSWERED', disposition: 'not-interested', note: 'gọi lại sau 5 giờ chiều' });
    } finally {
      await ccs.close();
    }
  }, 60_000);
});

describe('disposition and callback API', () => {
  let crm: FakeCrm;
  let ccs: UiService;

  beforeAll(async () => {
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url });
  }, 60_000);

  afterAll(async () => {
    await ccs?.close();
    await crm?.close();
  });

  const client = (username: string) => signIn(ccs.url, username);

  it('serves the codes of the agent’s own call, refuses bad input without change, saves one code, and checks the callback time', async () => {
    const agent = await client('agent1');
    const other = await client('agent2');
    const supervisor = await client('supervisor');
    expect((await agent.post('/ui/agent/sign-in')).status).toBe(200);
    expect((await other.post('/ui/agent/sign-in')).status).toBe(200);
    expect((await other.post('/ui/agent/pause', { reason: 'meeting' })).status).toBe(200);
    await ccs.sendCampaign(4401, [{ id: 1, phonenumber: '0987000401' }]);
    const talking = await eventually('a call for Agent/1001', () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001' && a.activity === 'talking'));
    const callId = talking.callId!;
    expect((await agent.post('/ui/agent/hangup')).status).toBe(200);
    await eventually('the attempt ended', async () => (await ccs.service.store.getAttempt(callId))?.state === 'ended');

    const codes = await agent.get(`/ui/agent/dispositions?callId=${callId}`);
    expect(codes.status).toBe(200);
    expect(await codes.json()).toMatchObject({ callId, required: false, disposition: null, codes: expect.arrayContaining([expect.objectContaining({ code: 'call-back', effect: 'callback' })]) });
    expect((await other.get(`/ui/agent/dispositions?callId=${callId}`)).status).toBe(404);
    expect((await other.post('/ui/agent/disposition', { callId, code: 'done' })).status).toBe(404);

    const unknownCode = await agent.post('/ui/agent/disposition', { callId, code: 'maybe' });
    expect(unknownCode.status).toBe(400);
    expect(await unknownCode.json()).toMatchObject({ error: { code: 'invalid-code' } });
    expect((await agent.post('/ui/agent/disposition', { callId, code: 'call-back' })).status).toBe(400);
    expect((await agent.post('/ui/agent/disposition', { callId, code: 'call-back', callback: 'tomorrow' })).status).toBe(400);
    expect((await agent.get(`/ui/agent/callback-time?callId=${callId}&at=soon`)).status).toBe(400);
    expect((await ccs.service.store.getAttempt(callId))!.disposition).toBeNull();
    expect(await ccs.service.store.getContact(4401, 1)).toMatchObject({ state: 'final' });

    // The campaign ends an hour from now: two hours ahead cannot happen; ten minutes can.
    const now = Date.now();
    expect(await (await agent.get(`/ui/agent/callback-time?callId=${callId}&at=${now + 2 * 3600_000}`)).json()).toMatchObject({ at: null, reason: 'after-campaign-end' });
    const fit = (await (await agent.get(`/ui/agent/callback-time?callId=${callId}&at=${now + 600_000}`)).json()) as { at: number };
    expect(fit.at).toBe(now + 600_000);
    const saved = await agent.post('/ui/agent/disposition', { callId, code: 'call-back', callback: { at: now + 600_000, forAgent: 'Agent/1001' } });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ ok: true, reopened: true, callbackAt: now + 600_000 });
    const again = await agent.post('/ui/agent/disposition', { callId, code: 'done' });
    expect(again.status).toBe(409);
    expect((await ccs.service.store.getAttempt(callId))!.disposition).toBe('call-back');

    const mine = (await (await agent.get('/ui/agent/callbacks')).json()) as { callbacks: { callId: string; state: string; agentCode: string }[] };
    expect(mine.callbacks).toMatchObject([{ callId, state: 'scheduled', agentCode: 'Agent/1001' }]);
    expect(((await (await other.get('/ui/agent/callbacks')).json()) as { callbacks: unknown[] }).callbacks).toEqual([]);
    expect((await agent.get('/ui/supervisor/callbacks')).status).toBe(403);
    expect((await supervisor.get('/ui/supervisor/callbacks?campaignId=x')).status).toBe(400);
    expect(((await (await supervisor.get('/ui/supervisor/callbacks?campaignId=4401')).json()) as { callbacks: unknown[] }).callbacks).toHaveLength(1);
    expect(await (await supervisor.get('/ui/supervisor/dispositions?campaignId=4401')).json()).toMatchObject({ successes: 0, codes: expect.arrayContaining([expect.objectContaining({ code: 'call-back', count: 1 })]) });
  }, 60_000);
});

describe('a required disposition, enforced by the service', () => {
  let crm: FakeCrm | undefined;
  let ccs: UiService | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await ccs?.close();
    await crm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    ccs = crm = dir = undefined;
  });

  /** The service with the default profile requiring a code, on a virtual clock the test moves. */
  async function start(clock: VirtualClock) {
    crm = await startFakeCrm();
    dir = mkdtempSync(join(tmpdir(), 'ccs-required-'));
    const config = join(dir, 'ccs.config.json');
    const codes = [
      { code: 'sale', label: { vi: 'Đồng ý mua', en: 'Sale' }, effect: 'final', success: true },
      { code: 'wrong-number', label: { vi: 'Sai số', en: 'Wrong number' }, effect: 'wrong-number' },
    ];
    writeFileSync(config, JSON.stringify({ defaultProfile: { ruleSet: 'dnc-only', dispositions: { required: true, codes } } }));
    ccs = await startUiService({ crmUrl: crm.url, clock, env: { CCS_CONFIG: config, CCS_MAX_WRAPUP_SECONDS: '120' } });
    return ccs;
  }

  /** agent1 signed in, talking on a call of `campaignId`, then hung up: in wrap-up owing a code. */
  async function inWrapUp(ccs: UiService, clock: VirtualClock, campaignId: number) {
    const agent = await signIn(ccs.url, 'agent1');
    expect((await agent.post('/ui/agent/sign-in')).status).toBe(200);
    await ccs.sendCampaign(campaignId, [{ id: 1, phonenumber: '0987000601' }]);
    const desk = () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001');
    const talking = await eventually('a call for Agent/1001', async () => {
      await clock.advanceBy(200);
      return desk()?.activity === 'talking' ? desk() : undefined;
    });
    const callId = talking.callId!;
    expect((await agent.post('/ui/agent/hangup')).status).toBe(200);
    await eventually('the attempt ended', async () => (await ccs.service.store.getAttempt(callId))?.state === 'ended');
    expect(desk()?.activity).toBe('wrap-up');
    return { agent, callId, desk };
  }

  it('ready and pause sent straight to the API in wrap-up are refused (409 code-required) until the code is saved', async () => {
    const clock = new VirtualClock(Date.now());
    const ccs = await start(clock);
    const { agent, callId, desk } = await inWrapUp(ccs, clock, 4601);
    for (const [path, body] of [['/ui/agent/ready', {}], ['/ui/agent/pause', { reason: 'lunch' }]] as const) {
      const refused = await agent.post(path, body);
      expect(refused.status, path).toBe(409);
      expect(await refused.json()).toEqual({ error: { code: 'code-required', message: expect.stringContaining('disposition') } });
      expect(desk()?.activity).toBe('wrap-up');
    }
    expect((await agent.post('/ui/agent/disposition', { callId, code: 'sale' })).status).toBe(200);
    expect((await agent.post('/ui/agent/ready')).status).toBe(200);
    expect(desk()?.activity).toBe('idle');
    expect(desk()?.shift.state).toBe('ready');
  }, 60_000);

  it('the wrap-up time limit ends wrap-up without the code: the agent is ready and the call keeps no code', async () => {
    const clock = new VirtualClock(Date.now());
    const ccs = await start(clock);
    const { callId, desk } = await inWrapUp(ccs, clock, 4602);
    await clock.advanceBy(121_000);
    expect(desk()?.shift.state).toBe('ready');
    expect((await ccs.service.store.getAttempt(callId))?.disposition ?? null).toBeNull();
  }, 60_000);
});
