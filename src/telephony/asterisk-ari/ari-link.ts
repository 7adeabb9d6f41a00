/**
 * The driver's link to Asterisk: the events WebSocket plus what must happen before the
 * driver calls itself up. After every (re)connect it asks `GET /asterisk/info` (a changed
 * `status.startup_time` means Asterisk restarted: it forgot every channel and bridge and
 * replays nothing) and `GET /channels`, hands both to `synchronise` (which ends the calls ARI
 * no longer has), and only then reports `driver` up. While the link is down, `health()` says
 * why (for a refused WebSocket the REST API is probed, so wrong credentials show as 401).
 *
 * States: stopped → connecting → up ⇄ down (down: reconnecting with back-off).
 */
import type { TelephonyHealth } from '../../ports/telephony.ts';
import type { AriAsteriskInfo, AriChannel, OtherEvent } from './ari-events.ts';
import { AriError } from './ari-http.ts';
import { AriEventStream } from './ari-websocket.ts';
import { deferred, errorText, type DriverContext } from './driver-context.ts';

export interface LinkHandlers {
  onEvent(event: OtherEvent): void;
  /** ARI is (back) up: bring the driver's calls and agents in line with ARI's channels. */
  synchronise(channels: AriChannel[], restarted: boolean, lostSince: number | null): Promise<void>;
  onUp(first: boolean): void;
  onDown(reason: string): void;
}

export class AriLink {
  private state: 'stopped' | 'connecting' | 'up' | 'down' = 'stopped';
  private reason = 'not started';
  private startupTime: string | null = null;
  private lostSince: number | null = null;
  private everUp = false;
  private downAnnounced = false;
  private syncRound = 0;
  private readonly stream: AriEventStream;
  private firstAttempt = deferred<void>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly handlers: LinkHandlers,
  ) {
    const { config } = ctx;
    this.stream = new AriEventStream(
      {
        url: config.url,
        user: config.user,
        password: config.password,
        app: config.app,
        clock: ctx.clock,
        logger: ctx.logger,
        minDelayMs: config.reconnect.minDelayMs,
        maxDelayMs: config.reconnect.maxDelayMs,
      },
      {
        onOpen: () => void this.synchroniseAfterOpen(),
        onEvent: (event) => {
          if (this.state !== 'stopped') handlers.onEvent(event);
        },
        onClose: (reason, wasOpen) => this.onClose(reason, wasOpen),
      },
    );
  }

  get isUp(): boolean {
    return this.state === 'up';
  }

  health(): TelephonyHealth {
    return this.state === 'up' ? { ready: true } : { ready: false, reason: this.reason };
  }

  /** Connects; resolves once the first attempt has succeeded or failed (never rejects). */
  start(): Promise<void> {
    if (this.state !== 'stopped') return this.firstAttempt.promise;
    this.state = 'connecting';
    this.reason = 'connecting to ARI';
    this.stream.start();
    return this.firstAttempt.promise;
  }

  stop(): void {
    this.state = 'stopped';
    this.reason = 'stopped';
    this.stream.stop();
    this.firstAttempt.resolve();
  }

  private async synchroniseAfterOpen(): Promise<void> {
    const round = ++this.syncRound;
    const { http, logger } = this.ctx;
    try {
      const info = await http.get<AriAsteriskInfo>('/asterisk/info');
      const startup = info?.status?.startup_time ?? null;
      const restarted = this.startupTime !== null && startup !== null && startup !== this.startupTime;
      if (restarted) logger.warn({ before: this.startupTime, now: startup }, 'Asterisk restarted: its channels are gone');
      const channels = await http.get<AriChannel[]>('/channels');
      if (this.stale(round)) return;
      await this.handlers.synchronise(channels ?? [], restarted, this.lostSince);
      if (this.stale(round)) return;
      this.startupTime = startup ?? this.startupTime;
      this.lostSince = null;
      this.downAnnounced = false;
      const first = !this.everUp;
      this.everUp = true;
      this.state = 'up';
      this.reason = '';
      logger.info({ restarted, channels: channels?.length ?? 0 }, 'ARI up');
      this.ctx.emit({ type: 'driver', state: 'up' });
      this.firstAttempt.resolve();
      this.handlers.onUp(first);
    } catch (error) {
      if (this.stale(round)) return;
      const reason = `ARI connected but not usable: ${errorText(error)}`;
      logger.warn({ err: errorText(error) }, 'ARI synchronisation failed; reconnecting');
      this.stream.reconnect(reason);
    }
  }

  /** A newer connection (or stop) superseded this synchronisation. */
  private stale(round: number): boolean {
    return round !== this.syncRound || this.state === 'stopped';
  }

  private onClose(reason: string, wasOpen: boolean): void {
    if (this.state === 'stopped') return;
    this.syncRound++;
    const wasUp = this.state === 'up';
    if (wasUp) this.lostSince = this.ctx.clock.now();
    this.state = 'down';
    this.reason = reason;
    if (wasUp) {
      this.ctx.logger.warn({ reason }, 'ARI down');
      this.announceDown(reason);
    }
    if (!wasOpen) void this.explainRefusal(reason);
    else if (!wasUp) {
      this.announceDown(reason);
      this.firstAttempt.resolve();
    }
  }

  /** The WebSocket could not connect: ask the REST API why (401 is the usual answer). */
  private async explainRefusal(fallback: string): Promise<void> {
    let reason = fallback;
    try {
      await this.ctx.http.get('/asterisk/info');
    } catch (error) {
      if (error instanceof AriError && error.kind === 'unauthorized') reason = `ARI rejected the credentials (${error.status} ${error.detail})`;
      else if (error instanceof AriError && error.kind === 'unreachable') reason = `ARI unreachable: ${error.detail}`;
      else reason = `${fallback}: ${errorText(error)}`;
    }
    if (this.state !== 'down') return;
    this.reason = reason;
    this.announceDown(reason);
    this.firstAttempt.resolve();
  }

  private announceDown(reason: string): void {
    if (this.downAnnounced) return;
    this.downAnnounced = true;
    this.ctx.emit({ type: 'driver', state: 'down', reason });
    this.handlers.onDown(reason);
  }
}
