/** The operator API's guard: without a token only the local command line passes, never a browser page, a rebinding name or a proxy. */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localOperatorTrust, operatorGuard, type OperatorAuthDeps } from '../../../src/http/operator-auth.ts';

async function appWith(auth: OperatorAuthDeps): Promise<FastifyInstance> {
  const app = Fastify();
  app.register(async (scope) => {
    scope.addHook('onRequest', operatorGuard(auth));
    scope.get('/ops/campaigns', async () => ({ ok: true }));
    scope.post('/ops/campaigns/1/close', async () => ({ ok: true }));
  });
  await app.ready();
  return app;
}

const local = localOperatorTrust({ enabled: true, bindHost: '0.0.0.0' });

describe('operator API guard without a token', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith({ token: null, local });
  });
  afterAll(() => app.close());

  const status = async (headers: Record<string, string>, method: 'GET' | 'POST' = 'POST') =>
    (await app.inject({ method, url: method === 'GET' ? '/ops/campaigns' : '/ops/campaigns/1/close', remoteAddress: '127.0.0.1', headers: { host: '127.0.0.1:8080', ...headers } })).statusCode;

  it('lets a command-line client on the loopback operate', async () => {
    expect(await status({})).toBe(200);
    expect(await status({ host: 'localhost:8080' }, 'GET')).toBe(200);
    expect(await status({ host: '[::1]:8080' }, 'GET')).toBe(200);
  });

  it('refuses a request a page of another site makes from a browser on the same machine', async () => {
    expect(await status({ origin: 'https://evil.example' })).toBe(401);
    expect(await status({ origin: 'null' })).toBe(401);
    expect(await status({ 'sec-fetch-site': 'cross-site' })).toBe(401);
    expect(await status({ 'sec-fetch-site': 'same-site' })).toBe(401);
    expect(await status({ 'sec-fetch-site': 'cross-site' }, 'GET')).toBe(401);
  });

  it('refuses a name rebound to the loopback (DNS rebinding) even when the browser calls it same-origin', async () => {
    expect(await status({ host: 'evil.example:8080', origin: 'http://evil.example:8080', 'sec-fetch-site': 'same-origin' }, 'GET')).toBe(401);
    expect(await status({ host: 'evil.example:8080' }, 'GET')).toBe(401);
    expect(await status({}, 'GET')).toBe(200);
  });

  it('accepts this service’s own pages and typed-in addresses', async () => {
    expect(await status({ origin: 'http://127.0.0.1:8080', 'sec-fetch-site': 'same-origin' })).toBe(200);
    expect(await status({ host: 'localhost:8080', origin: 'http://localhost:8080', 'sec-fetch-site': 'same-origin' })).toBe(200);
    expect(await status({ origin: 'http://127.0.0.1:9999' })).toBe(401);
    expect(await status({ 'sec-fetch-site': 'none' }, 'GET')).toBe(200);
  });

  it('does not treat requests relayed by a proxy on the same host as local', async () => {
    expect(await status({ 'x-forwarded-for': '203.0.113.9' })).toBe(401);
    expect(await status({ forwarded: 'for=203.0.113.9' })).toBe(401);
    expect(await status({ 'x-real-ip': '203.0.113.9' })).toBe(401);
    // A proxy that passes the public name through and adds no header is not local either.
    expect(await status({ host: 'ccs.example.com' }, 'GET')).toBe(401);
  });

  it('refuses a request with a cookie or from another address', async () => {
    expect(await status({ cookie: 'ccs_session=x' })).toBe(401);
    const remote = await app.inject({ method: 'GET', url: '/ops/campaigns', remoteAddress: '10.0.0.7', headers: { host: '127.0.0.1:8080' } });
    expect(remote.statusCode).toBe(401);
  });
});

describe('operator API guard with local trust turned off (CCS_OPERATOR_LOCAL=false)', () => {
  it('refuses even a plain loopback request without a token, and still takes the token', async () => {
    const off = await appWith({ token: null, local: { ...local, enabled: false } });
    expect((await off.inject({ method: 'GET', url: '/ops/campaigns', remoteAddress: '127.0.0.1', headers: { host: '127.0.0.1' } })).statusCode).toBe(401);
    await off.close();
    const withToken = await appWith({ token: 't0k', local: { ...local, enabled: false } });
    expect((await withToken.inject({ method: 'GET', url: '/ops/campaigns', remoteAddress: '127.0.0.1', headers: { authorization: 'Bearer t0k' } })).statusCode).toBe(200);
    expect((await withToken.inject({ method: 'GET', url: '/ops/campaigns', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
    await withToken.close();
  });
});
