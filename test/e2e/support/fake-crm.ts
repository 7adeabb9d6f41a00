/**
 * A stand-in CRM on 127.0.0.1 for the browser tests: contact pages (`linkedit`) that may be
 * framed (/contact/<id>) or refuse it (/locked/<id>, X-Frame-Options DENY and CSP
 * frame-ancestors 'none'), and the callback endpoints, recording every updateCampaign and
 * finishCampaign it receives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCrm {
  url: string;
  updates: Record<string, unknown>[];
  finishes: Record<string, unknown>[];
  pageHits: string[];
  /** When set, callbacks are answered with this status (and not recorded). */
  failWith: number | null;
  close(): Promise<void>;
}

const page = (id: string, locked: boolean) => `<!doctype html><html><head><meta charset="utf-8"><title>CRM ${id}</title></head>
<body style="font-family:sans-serif;margin:0">
<div style="background:#5b2a86;color:#fff;padding:10px 16px;font-weight:600">Fake CRM</div>
<div style="padding:16px"><h1 id="contact">Fake CRM · contact ${id}</h1>
<p>${locked ? 'This page refuses to be framed.' : 'Customer record, editable by the agent.'}</p>
<label>Ghi chú CRM <input value="Khách hàng thân thiết"></label></div></body></html>`;

export async function startFakeCrm(): Promise<FakeCrm> {
  const updates: Record<string, unknown>[] = [];
  const finishes: Record<string, unknown>[] = [];
  const pageHits: string[] = [];
  const control = { failWith: null as number | null };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const m = /^\/(contact|locked)\/(\d+)$/.exec(path);
      if (m && (req.method === 'GET' || req.method === 'HEAD')) {
        pageHits.push(`${req.method} ${path}`);
        const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
        if (m[1] === 'locked') Object.assign(headers, { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" });
        res.writeHead(200, headers).end(page(m[2]!, m[1] === 'locked'));
        return;
      }
      if (req.method === 'POST' && (path === '/api/updateCampaign' || path === '/api/finishCampaign')) {
        if (control.failWith !== null) {
          res.writeHead(control.failWith).end();
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        (path === '/api/updateCampaign' ? updates : finishes).push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    updates,
    finishes,
    pageHits,
    get failWith() {
      return control.failWith;
    },
    set failWith(status: number | null) {
      control.failWith = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
