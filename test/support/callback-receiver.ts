/**
 * A stand-in CRM for outbox tests and benchmarks: a node:http server on 127.0.0.1 that records
 * every callback it receives (method, path, headers, raw body) and answers as the test says:
 * a status code, a promise of one (answer later), or 'hang' to never answer (the connection
 * is dropped on close()).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status answered, or null when the request was left hanging. */
  status: number | null;
}

/** A status, 'hang' (never answer), or a promise of a status (answer later). */
export type ReceiverBehaviour = (request: ReceivedCallback, index: number) => number | 'hang' | Promise<number>;

export interface CallbackReceiver {
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly received: ReceivedCallback[];
  /** Requests answered with a 2xx. */
  accepted(): ReceivedCallback[];
  respondWith(behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

export interface ReceiverOptions {
  /** Listen on this port (to bring a "CRM" back up where it was); 0 or absent picks a free one. */
  port?: number;
  behaviour?: ReceiverBehaviour;
  /** Skip recording (benchmarks: only count). */
  record?: boolean;
}

export async function startCallbackReceiver(options: ReceiverOptions = {}): Promise<CallbackReceiver & { count(): number }> {
  let behaviour: ReceiverBehaviour = options.behaviour ?? (() => 200);
  const record = options.record ?? true;
  const received: ReceivedCallback[] = [];
  const hanging = new Set<ServerResponse>();
  let count = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: ReceivedCallback = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        status: null,
      };
      const index = count++;
      if (record) received.push(entry);
      const answer = behaviour(entry, index);
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const reply = (status: number) => {
        if (res.destroyed) return;
        entry.status = status;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status >= 200 && status < 300 ? '{"status":1}' : '{"status":0}');
      };
      if (typeof answer === 'number') reply(answer);
      else void answer.then(reply, () => res.destroy());
    });
  });
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    accepted: () => received.filter((r) => r.status !== null && r.status >= 200 && r.status < 300),
    count: () => count,
    respondWith(b) {
      behaviour = b;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on right now (for "CRM is down" tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
