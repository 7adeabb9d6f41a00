import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import type { Account } from '../../../src/auth/accounts.ts';
import { createSessionStore } from '../../../src/auth/session-store.ts';
import { createSessionAuth } from '../../../src/http/session-auth.ts';
import { registerWebRoutes } from '../../../src/http/web-routes.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function bundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccs-web-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'outside assets');
  return dir;
}

async function app(distDir: string, connectSources: string[] = []) {
  const sessions = createSessionStore({ now: () => 0 });
  const auth = createSessionAuth({ sessions, publicUrl: 'http://localhost:8080' });
  const server = Fastify();
  registerWebRoutes(server, { auth, distDir, connectSources });
  await server.ready();
  const cookieFor = (role: Account['role']) => `ccs_session=${sessions.create({ username: role, passwordHash: '', role, agentCode: null, stationId: null }, null).id}`;
  return { server, cookieFor };
}

describe('web pages and assets', () => {
  it('serve the assets with their content types and long caching, and nothing outside them', async () => {
    const { server } = await app(bundle());
    const js = await server.inject('/assets/index-abc.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await server.inject('/assets/index-abc.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await server.inject('/assets/../secret.txt')).statusCode).toBe(404);
    expect((await server.inject('/assets/%2e%2e/secret.txt')).statusCode).toBe(404);
    expect((await server.inject('/assets/missing.js')).statusCode).toBe(404);
  });

  it('serve the app for the sign-in page and for pages of the right role, with framing forbidden', async () => {
    const { server, cookieFor } = await app(bundle());
    const login = await server.inject('/login');
    expect(login.statusCode).toBe(200);
    expect(login.headers['x-frame-options']).toBe('DENY');
    expect(login.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await server.inject({ url: '/supervisor/campaigns/7', headers: { cookie: cookieFor('admin') } })).statusCode).toBe(200);
    expect((await server.inject({ url: '/agent', headers: { cookie: cookieFor('agent') } })).statusCode).toBe(200);
    expect((await server.inject({ url: '/agent', headers: { cookie: cookieFor('supervisor') } })).statusCode).toBe(403);
    const root = await server.inject({ url: '/', headers: { cookie: cookieFor('agent') } });
    expect([root.statusCode, root.headers.location]).toEqual([302, '/agent']);
    const anonymous = await server.inject('/agent?x=1');
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([302, '/login?next=%2Fagent%3Fx%3D1']);
  });

  it('let pages connect to CCS only, and to the browser phone’s SIP WebSocket when there is one', async () => {
    const plain = await app(bundle());
    expect((await plain.server.inject('/login')).headers['content-security-policy']).toContain("connect-src 'self';");
    const phone = await app(bundle(), ['wss://pbx.example.com:8089/ws']);
    expect((await phone.server.inject('/login')).headers['content-security-policy']).toContain("connect-src 'self' wss://pbx.example.com:8089/ws;");
  });

  it('tell the operator to build the UI when the bundle is missing', async () => {
    const { server } = await app(join(tmpdir(), 'ccs-no-such-bundle'));
    const page = await server.inject('/login');
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:web');
  });
});
