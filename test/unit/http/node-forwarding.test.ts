/**
 * The mark of a request passed from one node to another: a node signs it with the cluster's
 * secret and the receiving node tells it from one sent from outside; a node passes a request on
 * with the caller's credentials, naming the target as its origin.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeForwarding, FORWARDED_BY_HEADER } from '../../../src/http/node-forwarding.ts';

const now = 1_800_000_000_000;
const nodeA = createNodeForwarding({ nodeId: 'a', secret: 'cluster-secret', timeoutMs: 2_000, now: () => now });
const request = (method: string, url: string, headers: Record<string, string> = {}, body?: unknown) => ({ method, url, headers, body }) as unknown as FastifyRequest;
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((close) => close()));

/** A node B that records what reaches it and answers 201 with a JSON body. */
async function nodeB(): Promise<{ url: string; seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] }> {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ session: { id: 7 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('node forwarding', () => {
  it('passes the request on with its credentials and body, signed; the receiving node recognises it, and nothing else', async () => {
    const b = await nodeB();
    const incoming = request('POST', '/ops/monitoring', { cookie: 'ccs_session=s1', 'x-csrf-token': 'c1', origin: 'https://lb.example', authorization: 'Bearer t' }, { callId: 'x', mode: 'listen' });
    expect(await nodeA.forward({ id: 'b', url: b.url }, incoming)).toEqual({ ok: true, status: 201, body: { session: { id: 7 } } });
    const [got] = b.seen;
    expect(got).toMatchObject({ method: 'POST', url: '/ops/monitoring', body: JSON.stringify({ callId: 'x', mode: 'listen' }) });
    expect(got!.headers).toMatchObject({ cookie: 'ccs_session=s1', 'x-csrf-token': 'c1', authorization: 'Bearer t', origin: b.url, 'content-type': 'application/json' });

    const signed = String(got!.headers[FORWARDED_BY_HEADER]);
    const receiving = createNodeForwarding({ nodeId: 'b', secret: 'cluster-secret', timeoutMs: 2_000, now: () => now + 30_000 });
    expect(receiving.origin(request('POST', '/ops/monitoring', { [FORWARDED_BY_HEADER]: signed }))).toBe('forwarded');
    expect(receiving.origin(request('POST', '/ops/monitoring'))).toBe('none');
    // Another path or method, another secret, too old, or not a signature at all: forged.
    expect(receiving.origin(request('POST', '/ops/monitoring/mine/stop', { [FORWARDED_BY_HEADER]: signed }))).toBe('forged');
    expect(receiving.origin(request('GET', '/ops/monitoring', { [FORWARDED_BY_HEADER]: signed }))).toBe('forged');
    const otherSecret = createNodeForwarding({ nodeId: 'b', secret: 'another-secret', timeoutMs: 2_000, now: () => now });
    expect(otherSecret.origin(request('POST', '/ops/monitoring', { [FORWARDED_BY_HEADER]: signed }))).toBe('forged');
    const later = createNodeForwarding({ nodeId: 'b', secret: 'cluster-secret', timeoutMs: 2_000, now: () => now + 61_000 });
    expect(later.origin(request('POST', '/ops/monitoring', { [FORWARDED_BY_HEADER]: signed }))).toBe('forged');
    expect(receiving.origin(request('POST', '/ops/monitoring', { [FORWARDED_BY_HEADER]: 'a' }))).toBe('forged');
  });

  it('a GET in place of the request carries no body; a node that does not answer, or has no address, is said in words', async () => {
    const b = await nodeB();
    await nodeA.forward({ id: 'b', url: b.url }, request('POST', '/ops/monitoring/mine/stop', { cookie: 'k' }, {}), { method: 'GET', path: '/ops/monitoring?limit=1' });
    expect(b.seen[0]).toMatchObject({ method: 'GET', url: '/ops/monitoring?limit=1', body: '' });

    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => silent.closeAllConnections());
    closers.push(() => silent.close());
    const quick = createNodeForwarding({ nodeId: 'a', secret: 's', timeoutMs: 200, now: () => now });
    const timedOut = await quick.forward({ id: 'b', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` }, request('GET', '/ops/monitoring/mine'));
    expect(timedOut).toEqual({ ok: false, message: expect.stringContaining('no answer within 200 ms') });
    expect(await quick.forward({ id: 'c', url: null }, request('GET', '/ops/monitoring/mine'))).toEqual({ ok: false, message: expect.stringContaining('CCS_NODE_URL') });
  });
});
