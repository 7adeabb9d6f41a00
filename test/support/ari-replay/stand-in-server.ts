/**
 * An ARI-shaped server on 127.0.0.1 for tests: REST under `/ari` and the events WebSocket at
 * `/ari/events?app=<app>` (other applications too when `acceptsApp` takes them), both behind Basic auth answered as Asterisk does (401
 * `{"message":"Authentication required"}`, also for the WebSocket handshake). What the REST
 * calls answer and which events go out is decided by its owner (the transcript replay or the
 * scripted Asterisk) through `handle`. `goDown()` mimics a stopping Asterisk: WebSocket
 * dropped without a close frame, every connection cut, the port refusing connections until
 * `comeBack()` listens on it again.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { acceptWebSocket, refuseUpgrade, type WebSocketConnection } from './websocket-server.ts';

export const AUTH_REQUIRED = { message: 'Authentication required' };

export interface StandInRequest {
  method: string;
  /** Path and query exactly as sent, e.g. `/ari/channels/create?endpoint=PJSIP%2F1%40trunk`. */
  path: string;
  url: URL;
  body: unknown;
}

export interface StandInResponse {
  status: number;
  json?: unknown;
  contentType?: string;
  bytes?: Uint8Array;
  /** Never answer (the request hangs until the server goes down). */
  hold?: boolean;
}

export type StandInHandler = (request: StandInRequest, respond: (response: StandInResponse) => void) => Promise<void> | void;

export interface StandInOptions {
  user: string;
  password: string;
  app: string;
  /** Further applications the events WebSocket takes (besides `app`). */
  acceptsApp?: (app: string) => boolean;
  handle: StandInHandler;
  /** A client opened the events WebSocket (the n-th time, from 1). */
  onConnect?: (count: number) => void;
}

export class StandInServer {
  readonly requests: StandInRequest[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<WebSocketConnection>();
  /** Each application's last events WebSocket: as Asterisk does, only it gets the application's events. */
  private readonly latest = new Map<string, WebSocketConnection>();
  private port = 0;
  private connects = 0;
  private listening = false;

  constructor(private readonly options: StandInOptions) {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket as Socket, head));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Events WebSocket connections accepted so far. */
  get connections(): number {
    return this.connects;
  }

  get connected(): boolean {
    return [...this.clients].some((c) => c.isOpen);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  /** Sends one event (a text frame) to every connected client. */
  send(event: unknown): void {
    const text = JSON.stringify(event);
    for (const client of this.clients) client.sendText(text);
  }

  /** Sends one event to the application's last connected WebSocket (none, if that one closed). */
  sendTo(app: string, event: unknown): void {
    const client = this.latest.get(app);
    if (client?.isOpen) client.sendText(JSON.stringify(event));
  }

  /** Asterisk stops: no close frame, connections cut, the port refuses new ones. */
  async goDown(): Promise<void> {
    for (const client of this.clients) client.destroy();
    this.clients.clear();
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Asterisk is back on the same port. */
  async comeBack(): Promise<void> {
    if (!this.listening) await this.listen();
  }

  async close(): Promise<void> {
    await this.goDown();
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const app = url.searchParams.get('app') ?? '';
    if (url.pathname !== '/ari/events' || (app !== this.options.app && !this.options.acceptsApp?.(app))) {
      refuseUpgrade(socket, 404, 'Not Found', JSON.stringify({ message: 'Not found' }));
      return;
    }
    if (!this.authorized(req)) {
      refuseUpgrade(socket, 401, 'Unauthorized', JSON.stringify(AUTH_REQUIRED));
      return;
    }
    const client = acceptWebSocket(req, socket, head);
    this.clients.add(client);
    this.latest.set(app, client);
    client.onClose = () => this.clients.delete(client);
    this.connects++;
    this.options.onConnect?.(this.connects);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = text;
    }
    const path = req.url ?? '/';
    const request: StandInRequest = { method: req.method ?? 'GET', path, url: new URL(path, 'http://127.0.0.1'), body };
    let answered = false;
    const respond = (response: StandInResponse) => {
      if (answered || response.hold) return;
      answered = true;
      if (response.bytes) {
        res.writeHead(response.status, { 'content-type': response.contentType ?? 'application/octet-stream', 'content-length': response.bytes.byteLength });
        res.end(response.bytes);
      } else if (response.json !== undefined && response.status !== 204) {
        const json = JSON.stringify(response.json);
        res.writeHead(response.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
        res.end(json);
      } else {
        res.writeHead(response.status);
        res.end();
      }
    };
    if (!this.authorized(req)) {
      respond({ status: 401, json: AUTH_REQUIRED });
      return;
    }
    this.requests.push(request);
    try {
      await this.options.handle(request, respond);
    } catch (error) {
      respond({ status: 500, json: { message: `stand-in failed: ${String(error)}` } });
    }
  }
}
