/**
 * A CRM for tests: records every callback (path, headers, body) and can be told to fail,
 * hang or recover. Listens on 127.0.0.1 with a free port.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
  raw: string;
}

export type ReceiverMode = 'ok' | 'fail' | 'hang';

export class TestCrm {
  readonly received: ReceivedCallback[] = [];
  mode: ReceiverMode = 'ok';
  private server: Server | null = null;
  url = '';

  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (this.mode === 'hang') return; // never answers; the client times out
        if (this.mode === 'fail') {
          response.writeHead(503).end('down');
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: unknown = raw;
        try {
          body = JSON.parse(raw);
        } catch {
          /* recorded as text */
        }
        this.received.push({ path: request.url ?? '', headers: request.headers, body, raw });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  updates(campaignId?: number) {
    return this.received.filter((r) => r.path === '/api/updateCampaign' && (campaignId === undefined || r.body.campaignid === campaignId)).map((r) => r.body);
  }

  finishes(campaignId?: number) {
    return this.received.filter((r) => r.path === '/api/finishCampaign' && (campaignId === undefined || r.body.campaignid === campaignId)).map((r) => r.body);
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }
}

/** Polls `predicate` until it holds, at most `timeoutMs` of real time. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000, stepMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
