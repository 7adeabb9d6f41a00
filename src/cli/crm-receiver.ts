/**
 * `ccs crm-receiver`: a stand-in CRM for trying CCS out. It accepts POST /api/updateCampaign
 * and /api/finishCampaign, prints each callback's body exactly as received, one per line (the
 * README's examples are these lines), and answers 200 (or 503 for a share of requests with
 * `--fail 0.3`, to watch retries; each refusal is noted on stderr, not in the body stream).
 * GET /contact/<id> serves a small contact page, the `linkedit` of demo campaigns, so the agent
 * desktop has a CRM page to pop.
 */
import { createServer, type Server } from 'node:http';

/** The body as one line: unchanged when it already is one (CCS sends compact JSON). */
export function bodyLine(raw: string): string {
  if (!/[\r\n]/.test(raw)) return raw;
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw.replace(/\r?\n/g, ' ');
  }
}

export function startCrmReceiver(
  port: number,
  failShare = 0,
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  note: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const contact = /^\/contact\/(\d+)$/.exec(path);
      if (request.method === 'GET' && contact) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(`<!doctype html><meta charset="utf-8"><title>CRM · ${contact[1]}</title><body style="font:16px system-ui;margin:2rem"><h1>CRM · khách hàng #${contact[1]}</h1><p>Trang thông tin khách hàng (demo).</p><label>Ghi chú <input value=""></label></body>`);
        return;
      }
      if (request.method !== 'POST' || (path !== '/api/updateCampaign' && path !== '/api/finishCampaign')) {
        response.writeHead(404).end();
        return;
      }
      if (failShare > 0 && Math.random() < failShare) {
        note(`refused ${path} with 503 (--fail), Idempotency-Key ${String(request.headers['idempotency-key'] ?? '-')}`);
        response.writeHead(503).end();
        return;
      }
      print(bodyLine(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject); // e.g. EADDRINUSE: the caller says which port to change
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
