/** The server-side framing check against a CRM on 127.0.0.1 that allows or refuses framing. */
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/system-clock.ts';
import { createFrameProbe } from '../../src/web/frame-probe.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';

const CCS = 'http://127.0.0.1:8080';

describe('CRM page framing probe', () => {
  let crm: FakeCrm;
  beforeAll(async () => {
    crm = await startFakeCrm();
  });
  afterAll(() => crm.close());

  it('finds a page without framing headers embeddable and one with X-Frame-Options DENY not', async () => {
    const probe = createFrameProbe({ clock: systemClock });
    expect(await probe.probe(`${crm.url}/contact/1`, CCS)).toBe('allowed');
    expect(await probe.probe(`${crm.url}/locked/1`, CCS)).toBe('denied');
    expect(crm.pageHits).toEqual(['HEAD /contact/1', 'HEAD /locked/1']);
  });

  it('asks a CRM once per page family, not once per contact', async () => {
    const probe = createFrameProbe({ clock: systemClock });
    const before = crm.pageHits.length;
    await probe.probe(`${crm.url}/contact/7`, CCS);
    await probe.probe(`${crm.url}/contact/8`, CCS);
    expect(crm.pageHits.length - before).toBe(1);
  });

  it('falls back to GET when HEAD is refused', async () => {
    const server = createServer((req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(405).end();
      res.writeHead(200, { 'x-frame-options': 'SAMEORIGIN' }).end('<p>crm</p>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const probe = createFrameProbe({ clock: systemClock });
    expect(await probe.probe(`http://127.0.0.1:${port}/c/1`, CCS)).toBe('denied');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('answers unknown for an unreachable CRM or a URL that is not http', async () => {
    const probe = createFrameProbe({ clock: systemClock, timeoutMs: 2000 });
    expect(await probe.probe('http://127.0.0.1:1/contact/1', CCS)).toBe('unknown');
    expect(await probe.probe('javascript:alert(1)', CCS)).toBe('unknown');
    expect(await probe.probe('not a url', CCS)).toBe('unknown');
  });
});
