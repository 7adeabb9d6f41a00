/**
 * Access rules of the web UI over HTTP, against the real service: session cookies, the Origin
 * and CSRF checks on every state-changing request, roles on the operator API and the desktop
 * API, sign-out taking the agent off the floor, throttled guessing, and live updates that show
 * an agent only its own calls. The CRM contract endpoints stay exactly as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';

interface Client {
  cookie: string;
  csrf: string;
  get(path: string): Promise<Response>;
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

describe('web UI access over HTTP', () => {
  let crm: FakeCrm;
  let ccs: UiService;

  beforeAll(async () => {
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_OPERATOR_TOKEN: 'ops-token' } });
  }, 60_000);

  afterAll(async () => {
    await ccs?.close();
    await crm?.close();
  });

  const login = (username: string, password: string, origin: string | null = ccs.url) =>
    fetch(`${ccs.url}/ui/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) },
      body: JSON.stringify({ username, password }),
    });

  async function client(username: string): Promise<Client> {
    const response = await login(username, username);
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return {
      cookie,
      csrf: csrfToken,
      get: (path) => fetch(`${ccs.url}${path}`, { headers: { cookie }, redirect: 'manual' }),
      post: (path, body = {}, headers = {}) =>
        fetch(`${ccs.url}${path}`, {
          method: 'POST',
          headers: { cookie, origin: ccs.url, 'x-csrf-token': csrfToken, 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        }),
    };
  }

  it('sets an HttpOnly, SameSite=Strict session cookie, never readable by scripts', async () => {
    const response = await login('agent3', 'agent3');
    expect(response.headers.get('set-cookie')).toMatch(/^ccs_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
  });

  it('refuses a sign-in posted from another site or with no origin at all', async () => {
    expect((await login('agent1', 'agent1', 'https://evil.example')).status).toBe(403);
    expect((await login('agent1', 'agent1', null)).status).toBe(403);
    expect((await login('agent1', 'nope')).status).toBe(401);
  });

  it('refuses state-changing requests without the CSRF token or from another origin', async () => {
    const agent = await client('agent2');
    expect((await agent.post('/ui/agent/sign-in', {}, { 'x-csrf-token': '' })).status).toBe(403);
    expect((await agent.post('/ui/agent/sign-in', {}, { 'x-csrf-token': 'forged' })).status).toBe(403);
    expect((await agent.post('/ui/agent/sign-in', {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect(ccs.service.engine.agents().some((a) => a.agentCode === 'Agent/1002')).toBe(false);
    expect((await agent.post('/ui/agent/sign-in')).status).toBe(200);
    await eventually('Agent/1002 online', () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1002')?.online);
    expect((await agent.post('/ui/agent/sign-out')).status).toBe(200);
  });

  it('keeps an agent to its own agent code', async () => {
    const agent = await client('agent2');
    const response = await agent.post('/ui/agent/sign-in', { agentCode: 'Agent/1001', stationId: '1001' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('agent-code-mismatch');
  });

  it('lets supervisors use the operator API with their session, guarded like any browser action', async () => {
    const supervisor = await client('supervisor');
    expect((await supervisor.get('/ops/campaigns')).status).toBe(200);
    expect((await supervisor.get('/ui/supervisor/call-rates')).status).toBe(200);
    expect((await supervisor.get('/ui/agent/state')).status).toBe(403);
    expect((await supervisor.post('/ops/campaigns/999/close')).status).toBe(404);
    expect((await supervisor.post('/ops/campaigns/999/close', {}, { 'x-csrf-token': 'forged' })).status).toBe(401);
    expect((await supervisor.post('/ops/campaigns/999/close', {}, { origin: 'https://evil.example' })).status).toBe(401);
    const agent = await client('agent3');
    expect((await agent.get('/ops/campaigns')).status).toBe(403);
    expect((await agent.post('/ops/outbox/replay-dead')).status).toBe(403);
  });

  it('keeps the bearer token and the CRM contract working without any session', async () => {
    expect((await fetch(`${ccs.url}/ops/agents`, { headers: { authorization: 'Bearer ops-token' } })).status).toBe(200);
    expect((await fetch(`${ccs.url}/ops/agents`)).status).toBe(401);
    expect((await fetch(`${ccs.url}/api/closeCampaign/424242`)).status).toBe(400);
  });

  it('ends the session on sign-out and takes the agent off the floor', async () => {
    const agent = await client('agent1');
    expect((await agent.post('/ui/agent/sign-in')).status).toBe(200);
    await eventually('Agent/1001 online', () => ccs.service.engine.agents().find((a) => a.agentCode === 'Agent/1001')?.online);
    expect((await agent.post('/ui/logout')).status).toBe(200);
    expect((await agent.get('/ui/agent/state')).status).toBe(401);
    await eventually('Agent/1001 off the floor', () => !ccs.service.engine.agents().some((a) => a.agentCode === 'Agent/1001' && a.online));
  });

  it('answers pages without a session with a redirect to sign-in', async () => {
    const response = await fetch(`${ccs.url}/supervisor`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=%2Fsupervisor');
  });

  it('streams to an agent only its own state and calls', async () => {
    const one = await client('agent1');
    const two = await client('agent2');
    expect((await one.post('/ui/agent/sign-in')).status).toBe(200);
    expect((await two.post('/ui/agent/sign-in')).status).toBe(200);
    const controller = new AbortController();
    const stream = await fetch(`${ccs.url}/ui/events`, { headers: { cookie: one.cookie }, signal: controller.signal });
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    let text = '';
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    })().catch(() => undefined);

    await ccs.sendCampaign(4201, [
      { id: 1, phonenumber: '0911000001' },
      { id: 2, phonenumber: '0911000002' },
    ]);
    const connected = await eventually('both agents talking', () => {
      const talking = ccs.service.engine.agents().filter((a) => a.activity === 'talking');
      return talking.length === 2 ? talking : null;
    });
    await eventually('agent1 told of its call', () => text.includes('"type":"call:connected"'));
    const otherCall = connected.find((a) => a.agentCode === 'Agent/1002')!.callId!;
    const ownCall = connected.find((a) => a.agentCode === 'Agent/1001')!.callId!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(text).toContain(ownCall);
    expect(text).not.toContain('Agent/1002');
    expect(text).not.toContain(otherCall);
    expect(text).not.toContain('call:placed');
    expect(text).not.toContain('campaign:');

    const state = (await (await one.get('/ui/agent/state')).json()) as { call: { callId: string; phoneNumber: string } };
    expect(state.call.callId).toBe(ownCall);
    expect((await one.post('/ui/agent/note', { callId: otherCall, note: 'not mine' })).status).toBe(409);
    controller.abort();
    await reading;
    await ccs.service.engine.closeCampaign(4201);
    for (const c of connected) await ccs.service.engine.hangupCall(c.callId!);
  });

  it('stops the service while a browser still holds a live-update stream open', async () => {
    const other = await startUiService({ crmUrl: crm.url });
    const response = await fetch(`${other.url}/ui/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: other.url },
      body: JSON.stringify({ username: 'supervisor', password: 'supervisor' }),
    });
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const stream = await fetch(`${other.url}/ui/events`, { headers: { cookie } });
    const ended = (async () => {
      for await (const _ of stream.body as unknown as AsyncIterable<Uint8Array>) void _;
      return 'ended';
    })().catch(() => 'ended');
    await other.close();
    expect(await ended).toBe('ended');
  });

  it('slows down password guessing', async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) last = (await login('admin', `guess-${i}`)).status;
    expect(last).toBe(429);
  });
});
