/**
 * ccs end to end in one process against a stand-in service: tables by default, JSON with
 * --json, local times instead of epoch milliseconds, and every failure one line with its exit code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';

const oldestPendingAt = Date.UTC(2026, 10, 27, 1, 0, 0); // 08:00:00 in Ho Chi Minh City
const answers: Record<string, { status: number; body: unknown }> = {
  '/ops/outbox/stats': { status: 200, body: { pending: 3, dead: 1, delivered: 40, oldestPendingAt, oldestPendingAgeSeconds: 125 } },
  '/ops/campaigns?limit=100': {
    status: 200,
    body: {
      campaigns: [
        {
          campaignid: 7,
          state: 'running',
          finishStatus: null,
          starttime: '2026-11-27 08:00:00',
          endtime: '2026-11-27 17:00:00',
          counts: { contactTotal: 30, contactsPending: 12, contactsDialing: 2, contactsFinal: 16, contactsAnswered: 9, attempts: 20, attemptsByStatus: {} },
          liveCalls: 2,
          abandonRate: 0.025,
        },
      ],
    },
  },
  '/ops/campaigns/9': { status: 404, body: { error: { code: 'not-found', message: 'No such campaign.' } } },
};

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = answers[request.url ?? ''] ?? { status: 404, body: { error: { message: `no stand-in answer for ${request.url}` } } };
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function ccs(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main([...argv, '--url', url], { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('ccs against a service', () => {
  it('prints campaigns as an aligned table', async () => {
    const r = await ccs('status');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'ID  STATE    WINDOW                          CONTACTS  PENDING  DIALING  DONE  ANSWERED  LIVE  ABANDON  FINISH',
        ' 7  running  2026-11-27 08:00:00 → 17:00:00        30       12        2    16         9     2     2.5%  -',
        '',
      ].join('\n'),
    );
  });

  it('prints the JSON with --json', async () => {
    const r = await ccs('status', '--json');
    expect(JSON.parse(r.out)).toEqual(answers['/ops/campaigns?limit=100']!.body);
  });

  it('shows the oldest waiting callback as local time and a duration, never as epoch milliseconds, in text and JSON', async () => {
    const text = await ccs('outbox', 'stats');
    expect(text.out).toContain('Waiting    3, the oldest since 2026-11-27 08:00:00 (2m 05s)');
    const json = await ccs('outbox', 'stats', '--json');
    expect(JSON.parse(json.out)).toMatchObject({ pending: 3, oldestPendingAt: '2026-11-27 08:00:00' });
    for (const out of [text.out, json.out]) expect(out).not.toMatch(/\d{12,}/);
  });

  it('prints an HTTP error as the service message on one line, exit code 1', async () => {
    const r = await ccs('status', '9');
    expect(r).toEqual({ code: 1, out: '', err: 'ccs: CCS answered 404: No such campaign.\n' });
  });

  it('answers a wrong command line with one line and exit code 2 before calling the service', async () => {
    expect(await ccs('stauts')).toEqual({ code: 2, out: '', err: 'ccs: unknown command "stauts"; did you mean "ccs status"? (ccs --help lists the commands)\n' });
    expect((await ccs('contacts', 'abc')).err).toBe('ccs: campaign id must be a whole number above 0, got "abc"\n');
    expect((await ccs('send', 'contacts.csv', '--campaign-id', '7', '--end', '2026-11-27 17:00:00')).err).toContain('ccs: send contacts.csv needs --start;');
  });

  it('warns about a mistyped CCS_* setting, naming the one meant, and still runs', async () => {
    process.env.CCS_ULR = 'http://10.0.0.5:8080';
    try {
      const r = await ccs('status');
      expect(r.code).toBe(0);
      expect(r.err).toBe('ccs: warning: CCS_ULR is not a CCS setting and is ignored; did you mean CCS_URL?\n');
    } finally {
      delete process.env.CCS_ULR;
    }
  });

  it('refuses a --url that is not an http URL', async () => {
    let err = '';
    const code = await main(['status', '--url', 'localhost:8080'], { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toBe('ccs: --url must be an http(s) URL such as http://127.0.0.1:8080, got "localhost:8080"\n');
  });
});
