/**
 * The server-side framing check against a CRM on 127.0.0.1 that allows or refuses framing, and
 * the fence around it: a contact's `linkedit` comes from outside, so the check asks only hosts
 * the operator allows (by default none on the loopback or a private network), connects to the
 * address it checked, and never follows a redirect to another host.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/system-clock.ts';
import { createFrameProbe } from '../../src/web/frame-probe.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';

const CCS = 'http://127.0.0.1:8080';
const LOCAL = ['127.0.0.1'];

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.headers.host} ${req.url}`);
    handler!(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port, hits };
}
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('CRM page framing probe', () => {
  let crm: FakeCrm;
  beforeAll(async () => {
    crm = await startFakeCrm();
  });
  afterAll(() => crm.close());

  it('finds a page without framing headers embeddable and one with X-Frame-Options DENY not (host allowed by the operator)', async () => {
    const probe = createFrameProbe({ clock: systemClock, allowHosts: LOCAL });
    expect(await probe.probe(`${crm.url}/contact/1`, CCS)).toBe('allowed');
    expect(await probe.probe(`${crm.url}/locked/1`, CCS)).toBe('denied');
    expect(crm.pageHits).toEqual(['HEAD /contact/1', 'HEAD /locked/1']);
  });

  it('asks a CRM once per page family, not once per contact', async () => {
    const probe = createFrameProbe({ clock: systemClock, allowHosts: LOCAL });
    const before = crm.pageHits.length;
    await probe.probe(`${crm.url}/contact/7`, CCS);
    await probe.probe(`${crm.url}/contact/8`, CCS);
    expect(crm.pageHits.length - before).toBe(1);
  });

  it('falls back to GET when HEAD is refused', async () => {
    const { server, port } = await listen((req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(405).end();
      res.writeHead(200, { 'x-frame-options': 'SAMEORIGIN' }).end('<p>crm</p>');
    });
    const probe = createFrameProbe({ clock: systemClock, allowHosts: LOCAL });
    expect(await probe.probe(`http://127.0.0.1:${port}/c/1`, CCS)).toBe('denied');
    await close(server);
  });

  it('answers unknown for an unreachable CRM or a URL that is not http', async () => {
    const probe = createFrameProbe({ clock: systemClock, timeoutMs: 2000, allowHosts: LOCAL });
    expect(await probe.probe('http://127.0.0.1:1/contact/1', CCS)).toBe('unknown');
    expect(await probe.probe('javascript:alert(1)', CCS)).toBe('unknown');
    expect(await probe.probe('not a url', CCS)).toBe('unknown');
  });
});

describe('framing probe fence', () => {
  it('sends nothing to a loopback address unless the operator allows that host', async () => {
    const { server, port, hits } = await listen((_req, res) => res.writeHead(200).end());
    const byDefault = createFrameProbe({ clock: systemClock });
    expect(await byDefault.probe(`http://127.0.0.1:${port}/contact/1`, CCS)).toBe('unknown');
    expect(await byDefault.probe(`http://localhost:${port}/contact/1`, CCS)).toBe('unknown');
    expect(await byDefault.probe(`http://[::ffff:127.0.0.1]:${port}/contact/1`, CCS)).toBe('unknown');
    expect(hits).toEqual([]);
    const allowed = createFrameProbe({ clock: systemClock, allowHosts: LOCAL });
    expect(await allowed.probe(`http://127.0.0.1:${port}/contact/1`, CCS)).toBe('allowed');
    expect(hits).toHaveLength(1);
    await close(server);
  });

  it('does not ask a host left off an explicit allow-list, public or not', async () => {
    let asked = 0;
    const probe = createFrameProbe({
      clock: systemClock,
      allowHosts: ['crm.example.com', '*.crm.example.net'],
      resolve: async () => {
        asked++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    expect(await probe.probe('https://other.example.org/contact/1', CCS)).toBe('unknown');
    expect(await probe.probe('https://evilcrm.example.com/contact/1', CCS)).toBe('unknown');
    expect(asked).toBe(0);
  });

  it('refuses a public name that also resolves inside, and asks nothing with CCS_FRAME_PROBE_HOSTS=none', async () => {
    const resolve = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.1.2.3', family: 4 }];
    expect(await createFrameProbe({ clock: systemClock, resolve }).probe('http://crm.example.com/c/1', CCS)).toBe('unknown');
    let asked = 0;
    const none = createFrameProbe({ clock: systemClock, allowHosts: ['none'], resolve: async () => (asked++, [{ address: '93.184.216.34', family: 4 }]) });
    expect(await none.probe('http://crm.example.com/c/1', CCS)).toBe('unknown');
    expect(asked).toBe(0);
  });

  it('resolves the name once and connects to the address it checked (no second lookup to rebind)', async () => {
    const { server, port, hits } = await listen((_req, res) => res.writeHead(200, { 'x-frame-options': 'DENY' }).end());
    let lookups = 0;
    const probe = createFrameProbe({
      clock: systemClock,
      allowHosts: ['crm.internal.test'],
      resolve: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    // crm.internal.test exists in no DNS: reaching the server proves the checked address was used.
    expect(await probe.probe(`http://crm.internal.test:${port}/contact/1`, CCS)).toBe('denied');
    expect(lookups).toBe(1);
    expect(hits).toEqual([`HEAD crm.internal.test:${port} /contact/1`]);
    await close(server);
  });

  it('follows a redirect on the same origin but never one to another host', async () => {
    const other = await listen((_req, res) => res.writeHead(200).end());
    const { server, port, hits } = await listen((req, res) => {
      if (req.url === '/moved') return void res.writeHead(302, { location: '/contact/1' }).end();
      if (req.url === '/r/away') return void res.writeHead(302, { location: `http://127.0.0.1:${other.port}/secret` }).end();
      res.writeHead(200, { 'content-security-policy': "frame-ancestors 'none'" }).end();
    });
    const probe = createFrameProbe({ clock: systemClock, allowHosts: LOCAL });
    expect(await probe.probe(`http://127.0.0.1:${port}/moved`, CCS)).toBe('denied');
    expect(hits.map((h) => h.split(' ').at(-1))).toEqual(['/moved', '/contact/1']);
    expect(await probe.probe(`http://127.0.0.1:${port}/r/away`, CCS)).toBe('unknown');
    expect(other.hits).toEqual([]);
    await close(server);
    await close(other.server);
  });

  it('gives up within its deadline on a server that never answers', async () => {
    const { server, port } = await listen(() => {
      /* never answers */
    });
    const probe = createFrameProbe({ clock: systemClock, allowHosts: LOCAL, timeoutMs: 200 });
    expect(await probe.probe(`http://127.0.0.1:${port}/slow`, CCS)).toBe('unknown');
    server.closeAllConnections();
    await close(server);
  });
});
