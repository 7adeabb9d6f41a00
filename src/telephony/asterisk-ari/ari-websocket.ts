/**
 * The ARI events WebSocket (`/ari/events?app=<app>&subscribeAll=false`, Basic auth), kept
 * open for as long as the driver runs. Connecting registers the Stasis application, so
 * nothing can be placed before `onOpen`. When the connection drops or cannot be made (the
 * fixtures show Asterisk closing TCP without a close frame on restart, then refusing
 * connections), it tries again after a delay that doubles from the minimum to the maximum,
 * through the Clock; a successful open resets the delay. Each text frame is one JSON event.
 *
 * States: idle → connecting → open → (lost) → waiting → connecting … ; `stop()` from any.
 */
import { WebSocket } from 'undici';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { OtherEvent } from './ari-events.ts';

export interface EventStreamOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  clock: Clock;
  logger: Logger;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface EventStreamHandlers {
  onOpen(): void;
  onEvent(event: OtherEvent): void;
  /** The connection was lost, or an attempt failed (`wasOpen` false); a retry is scheduled. */
  onClose(reason: string, wasOpen: boolean): void;
}

export class AriEventStream {
  private socket: WebSocket | null = null;
  private retryTimer: TimerHandle | null = null;
  private failures = 0;
  private stopped = true;
  private readonly wsUrl: string;

  constructor(
    private readonly options: EventStreamOptions,
    private readonly handlers: EventStreamHandlers,
  ) {
    const url = new URL(options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/ari/events`;
    url.search = new URLSearchParams({ app: options.app, subscribeAll: 'false' }).toString();
    this.wsUrl = url.toString();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  /** Drops the current connection (e.g. ARI answered it but REST does not work) and retries. */
  reconnect(reason: string): void {
    if (this.stopped || !this.socket) return;
    const socket = this.socket;
    this.socket = null;
    socket.close(1000);
    this.lost(reason, true);
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.stopped) return;
    const auth = `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}`;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.wsUrl, { headers: { authorization: auth } });
    } catch (error) {
      this.lost(`cannot open the events WebSocket: ${String(error)}`, false);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      opened = true;
      this.failures = 0;
      this.handlers.onOpen();
    });
    socket.addEventListener('message', (message) => {
      if (this.socket !== socket || typeof message.data !== 'string') return;
      let event: OtherEvent;
      try {
        event = JSON.parse(message.data) as OtherEvent;
      } catch {
        this.options.logger.warn({ frame: message.data.slice(0, 200) }, 'ARI sent a frame that is not JSON');
        return;
      }
      if (event && typeof event.type === 'string') this.handlers.onEvent(event);
    });
    socket.addEventListener('close', (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const reason = opened
        ? `events WebSocket closed (code ${close.code}${close.reason ? `, ${close.reason}` : ''})`
        : 'events WebSocket could not connect';
      this.lost(reason, opened);
    });
    // 'error' is always followed by 'close'; nothing to do here but keep Node from throwing.
    socket.addEventListener('error', () => {});
  }

  private lost(reason: string, wasOpen: boolean): void {
    if (this.stopped) return;
    const delay = Math.min(this.options.maxDelayMs, this.options.minDelayMs * 2 ** Math.min(this.failures, 20));
    this.failures++;
    this.handlers.onClose(reason, wasOpen);
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = this.options.clock.setTimer(delay, () => this.connect());
  }
}
