import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src/auth/accounts.ts';
import { createSessionStore } from '../../../src/auth/session-store.ts';
import { createSessionAuth, parseCookies } from '../../../src/http/session-auth.ts';

const supervisor: Account = { username: 'minh', passwordHash: 'x', role: 'supervisor', agentCode: null, stationId: null };

async function app(publicUrl: string) {
  const sessions = createSessionStore({ now: () => 0 });
  const auth = createSessionAuth({ sessions, publicUrl });
  const server = Fastify();
  server.post('/login', async (_request, reply) => {
    const session = sessions.create(supervisor, null);
    auth.setCookie(reply, session);
    return { csrf: session.csrfToken };
  });
  server.post('/act', { preHandler: auth.require(['supervisor']) }, async () => ({ ok: true }));
  server.get('/role', async (request) => ({ role: auth.sessionRole(request) }));
  await server.ready();
  return server;
}

describe('session cookies and CSRF checks', () => {
  it('mark the cookie Secure with the __Host- prefix when the public URL is https', async () => {
    const server = await app('https://ccs.example.vn');
    const response = await server.inject({ method: 'POST', url: '/login' });
    expect(response.headers['set-cookie']).toMatch(/^__Host-ccs_session=[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
  });

  it('accept an action only with the session token and from the public origin or the request host', async () => {
    const server = await app('https://ccs.example.vn');
    const login = await server.inject({ method: 'POST', url: '/login' });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const csrf = (login.json() as { csrf: string }).csrf;
    const act = (headers: Record<string, string>) => server.inject({ method: 'POST', url: '/act', headers: { cookie, ...headers } }).then((r) => r.statusCode);
    expect(await act({ origin: 'https://ccs.example.vn', 'x-csrf-token': csrf })).toBe(200);
    expect(await act({ origin: 'http://localhost:80', host: 'localhost:80', 'x-csrf-token': csrf })).toBe(200);
    expect(await act({ referer: 'https://ccs.example.vn/supervisor', 'x-csrf-token': csrf })).toBe(200);
    expect(await act({ origin: 'https://ccs.example.vn.evil.vn', 'x-csrf-token': csrf })).toBe(403);
    expect(await act({ 'x-csrf-token': csrf })).toBe(403);
    expect(await act({ origin: 'https://ccs.example.vn' })).toBe(403);
    expect(await server.inject({ method: 'POST', url: '/act', headers: { origin: 'https://ccs.example.vn', 'x-csrf-token': csrf } }).then((r) => r.statusCode)).toBe(401);
    expect((await server.inject({ method: 'GET', url: '/role', headers: { cookie } })).json()).toEqual({ role: 'supervisor' });
  });

  it('read the first value of each cookie', () => {
    expect([...parseCookies('a=1; ccs_session=xyz; a=2; broken; =x')]).toEqual([
      ['a', '1'],
      ['ccs_session', 'xyz'],
    ]);
  });
});
