/**
 * The desk's disposition and callback API over HTTP, against the real service: only the
 * agent's own calls; bad input answers 4xx with a code and changes nothing; one code per call;
 * the callback time is checked before it is saved; supervisors' lists are theirs only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';

interface Client {
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown): Promise<Response>;
}

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

  async function client(username: string): Promise<Client> {
    const response = await fetch(`${ccs.url}/ui/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ccs.url },
      body: JSON.stringify({ username, password: username }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return {
      get: (path) => fetch(`${ccs.url}${path}`, { headers: { cookie } }),
      post: (path, body = {}) =>
        fetch(`${ccs.url}${path}`, {
          method: 'POST',
          headers: { cookie, origin: ccs.url, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
    };
  }

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
