/**
 * What a kiosk link opens, over HTTP against the real service: the wallboard page and its two
 * data routes, nothing else. With the token (in `k`, as a bearer token or a cookie) the operator
 * API, the desk API, the supervisor's data and the live-update stream all answer 401 and the
 * supervisor pages send to the sign-in page. Only supervisors and admins create or revoke links
 * (an agent gets 403 and sees no wallboard), a state-changing request without the CSRF
 * token changes nothing, and a supervisor's wallboard stream ends when the session does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '../e2e/support/browser.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { startUiService, type UiService } from '../e2e/support/ui-service.ts';

describe('kiosk link access rules', () => {
  let crm: FakeCrm;
  let ccs: UiService;

  beforeAll(async () => {
    // The pages answer 503 until the bundle is built.
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_OPERATOR_TOKEN: 'ops-token' } });
  }, 180_000);

  afterAll(async () => {
    await ccs?.close();
    await crm?.close();
  });

  async function signIn(username: string) {
    const response = await fetch(`${ccs.url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ccs.url }, body: JSON.stringify({ username, password: username }) });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return {
      cookie,
      get: (path: string) => fetch(`${ccs.url}${path}`, { headers: { cookie }, redirect: 'manual' }),
      post: (path: string, body: unknown = {}, csrf = csrfToken) =>
        fetch(`${ccs.url}${path}`, { method: 'POST', headers: { cookie, origin: ccs.url, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    };
  }

  it('a kiosk token opens the wallboard and nothing else', async () => {
    const boss = await signIn('supervisor');
    expect((await boss.post('/ops/kiosk-links', { name: 'Floor TV' }, 'forged')).status).toBe(401);
    expect(((await (await boss.get('/ops/kiosk-links')).json()) as { links: unknown[] }).links).toEqual([]);
    const created = await boss.post('/ops/kiosk-links', { name: 'Floor TV' });
    expect(created.status).toBe(201);
    const { id, token, createdBy } = (await created.json()) as { id: number; token: string; createdBy: string };
    expect(createdBy).toBe('supervisor');
    expect(((await (await boss.get('/ops/kiosk-links')).json()) as { links: unknown[] }).links).toHaveLength(1);

    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${ccs.url}${path}`, { headers, redirect: 'manual' });
    expect((await get(`/wallboard?k=${token}`)).status).toBe(200);
    expect((await get(`/ui/wallboard?k=${token}`)).status).toBe(200);

    for (const path of ['/ops/campaigns', '/ops/agents', '/ops/calls/live', '/ops/outbox', '/ops/kiosk-links', '/ops/pacing', '/ops/reports', '/ui/events', '/ui/supervisor/call-rates', '/ui/supervisor/callbacks', '/ui/supervisor/desk-agents', '/ui/agent/state']) {
      const withQuery = await get(`${path}?k=${token}`);
      expect({ path, status: withQuery.status }).toEqual({ path, status: 401 });
      expect((await get(path, { authorization: `Bearer ${token}` })).status).toBe(401);
      expect((await get(path, { cookie: `ccs_session=${token}` })).status).toBe(401);
    }
    const revoke = await fetch(`${ccs.url}/ops/kiosk-links/${id}/revoke?k=${token}`, { method: 'POST', headers: { origin: ccs.url } });
    expect(revoke.status).toBe(401);
    const another = await fetch(`${ccs.url}/ops/kiosk-links?k=${token}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ccs.url }, body: JSON.stringify({ name: 'mine' }) });
    expect(another.status).toBe(401);
    for (const page of ['/supervisor', '/supervisor/wallboard', '/agent']) {
      const response = await get(`${page}?k=${token}`);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toMatch(/^\/login\?next=/);
    }
    const session = (await (await get(`/ui/session?k=${token}`)).json()) as { user: unknown };
    expect(session.user).toBeNull();
    // Still live: none of that revoked or spent it.
    expect((await get(`/ui/wallboard?k=${token}`)).status).toBe(200);
  });

  it("a supervisor's wallboard stream ends after signing out", async () => {
    const boss = await signIn('supervisor');
    const stream = await fetch(`${ccs.url}/ui/wallboard/events`, { headers: { cookie: boss.cookie } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('hello');
    expect((await boss.post('/ui/logout')).status).toBe(200);
    // Bounded: the stream ends at the next 2 s pass; a stream that stays open fails the test here.
    const ended = await Promise.race([
      (async () => {
        for (;;) if ((await reader.read()).done) return true;
      })(),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000)),
    ]);
    expect(ended).toBe(true);
    expect((await boss.get('/ui/wallboard')).status).toBe(401);
  });

  it('only supervisors and admins manage links; an agent sees no wallboard', async () => {
    const agent = await signIn('agent1');
    expect((await agent.post('/ops/kiosk-links', { name: 'Agent TV' })).status).toBe(403);
    expect((await agent.get('/ops/kiosk-links')).status).toBe(403);
    expect((await agent.get('/ui/wallboard')).status).toBe(403);
    expect((await agent.get('/ui/wallboard/events')).status).toBe(403);
    expect((await agent.get('/wallboard')).status).toBe(403);
    const admin = await signIn('admin');
    expect((await admin.get('/ui/wallboard')).status).toBe(200);
    expect((await admin.get('/wallboard')).status).toBe(200);
    const links = ((await (await admin.get('/ops/kiosk-links')).json()) as { links: { name: string }[] }).links;
    expect(links.map((l) => l.name)).not.toContain('Agent TV');
    expect((await fetch(`${ccs.url}/wallboard`, { redirect: 'manual' })).headers.get('location')).toBe('/login?next=%2Fwallboard');
  });
});
