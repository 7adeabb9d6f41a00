/**
 * `ccs crm-receiver`: a stand-in CRM for trying CCS out. It accepts POST /api/updateCampaign
 * and /api/finishCampaign, prints each callback as one JSON line with its Idempotency-Key,
 * and answers 200 (or 503 for a share of requests with `--fail 0.3`, to watch retries).
 */
import { createServer, type Server } from 'node:http';

export function startCrmReceiver(port: number, failShare = 0, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'POST' || (path !== '/api/updateCampaign' && path !== '/api/finishCampaign')) {
        response.writeHead(404).end();
        return;
      }
      if (failShare > 0 && Math.random() < failShare) {
        print(JSON.stringify({ refused: path, key: request.headers['idempotency-key'] }));
        response.writeHead(503).end();
        return;
      }
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      print(JSON.stringify({ received: path, key: request.headers['idempotency-key'], body }));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
