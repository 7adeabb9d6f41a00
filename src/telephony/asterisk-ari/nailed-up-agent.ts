/**
 * Nailed-up agents: at sign-in the agent's phone is called once (`channels/create` + `dial`,
 * `appArgs=agent,<session>`) and, once answered, parked in a shared holding bridge
 * (`addChannel?role=participant`). A connect moves the leg into the customer's mixing
 * bridge with a plain `addChannel` (Asterisk takes it out of the holding bridge itself, as
 * captured in agent-holding-bridge); when the customer leaves, the leg is removed from the
 * mixing bridge and parked again.
 *
 * The agent is online while its leg is parked or talking. If the leg drops (the phone hung
 * up, Asterisk restarted) the agent goes offline and, while still signed in, its phone is
 * called again after `agentRetrySeconds` (at once when ARI comes back or the endpoint
 * returns).
 *
 * States: down → dialling → parked ⇄ busy; any → down when the leg is lost; stopped at sign-out.
 */
import type { TimerHandle } from '../../ports/clock.ts';
import type { AriBridge, ChannelEvent } from './ari-events.ts';
import { isAriError } from './ari-http.ts';
import type { AgentEntry, AgentPresence } from './agent-presence.ts';
import { deferred, errorText, type Deferred, type DriverContext, type RouteListener } from './driver-context.ts';

/** What a nailed-up leg needs from the call it is lent to. */
export interface LegBorrower {
  /** The leg entered a bridge other than the holding bridge. */
  agentEntered(bridgeId: string): void;
  /** The leg is gone. */
  agentGone(reason: string): void;
}

/** How long a start waits for a leftover parked line to be gone after hanging it up. */
const LEFTOVER_HANGUP_WAIT_MS = 5000;

/** The one holding bridge all parked agents wait in; created on first use. */
export class HoldingBridge {
  private id: string | null = null;
  private creating: Promise<string> | null = null;

  constructor(private readonly ctx: DriverContext) {}

  get current(): string | null {
    return this.id;
  }

  ensure(): Promise<string> {
    if (this.id) return Promise.resolve(this.id);
    this.creating ??= (async () => {
      const { app } = this.ctx.config;
      const id = `${app}-agents-${this.ctx.newId()}`;
      try {
        await this.ctx.http.post('/bridges', { type: 'holding', bridgeId: id, name: `${app}-agents-waiting` });
        this.id = id;
        return id;
      } finally {
        this.creating = null;
      }
    })();
    return this.creating;
  }

  /** Asterisk restarted: the bridge is gone. */
  forget(): void {
    this.id = null;
  }

  async destroy(): Promise<void> {
    const id = this.id;
    this.id = null;
    if (id) await this.ctx.http.delete(`/bridges/${encodeURIComponent(id)}`).catch(() => {});
  }

  /**
   * Holding bridges of this application's naming (`<app>-agents-…`, named `<app>-agents-waiting`)
   * that an earlier process left in Asterisk (killed before it could destroy its own) are
   * removed, with the agent lines still parked in them: no process follows those lines any
   * more, and while one is up the agent's phone is busy and cannot be called for the new shift.
   * A bridge holding a line `inUse` (one of this driver's agents) is kept. Run once, when the
   * driver first synchronises, before any agent is called; a failure is logged, never fatal.
   */
  async removeLeftovers(inUse: (channelId: string) => boolean): Promise<void> {
    const { config, http, logger } = this.ctx;
    const ours = (b: AriBridge) => b.bridge_type === 'holding' && b.name === `${config.app}-agents-waiting` && b.id.startsWith(`${config.app}-agents-`);
    try {
      const bridges = (await http.get<AriBridge[]>('/bridges')) ?? [];
      for (const bridge of bridges) {
        if (!ours(bridge) || bridge.id === this.id || bridge.channels.some(inUse)) continue;
        logger.warn({ bridgeId: bridge.id, channels: bridge.channels }, 'removing a holding bridge left by an earlier run, and the agent lines parked in it');
        await http.delete(`/bridges/${encodeURIComponent(bridge.id)}`).catch((error) => {
          if (!isAriError(error, 'not-found')) throw error;
        });
        await Promise.all(bridge.channels.map((channel) => this.hangUpLeftover(channel)));
      }
    } catch (error) {
      logger.warn({ err: errorText(error) }, 'holding bridges left by an earlier run not removed');
    }
  }

  /** Hangs a leftover line up and waits (at most 5 s) until it is gone: till then the agent's phone is still busy with it. */
  private async hangUpLeftover(channelId: string): Promise<void> {
    const { http, clock } = this.ctx;
    const gone = deferred<void>();
    const listener: RouteListener = (event) => {
      if (event.type === 'ChannelDestroyed') gone.resolve();
    };
    this.ctx.route(channelId, listener);
    const timer = clock.setTimer(LEFTOVER_HANGUP_WAIT_MS, () => gone.resolve());
    try {
      await http.delete(`/channels/${encodeURIComponent(channelId)}`, { reason: 'normal' }).catch((error) => {
        if (!isAriError(error, 'not-found')) throw error;
        gone.resolve();
      });
      await gone.promise;
    } finally {
      timer.cancel();
      this.ctx.unroute(channelId, listener);
    }
  }
}

export class NailedUpAgent {
  private state: 'down' | 'dialling' | 'parked' | 'busy' | 'stopped' = 'down';
  private legId: string | null = null;
  private borrower: LegBorrower | null = null;
  private parkRequested = false;
  private redialTimer: TimerHandle | null = null;
  private parked: Deferred<void> = deferred();
  private listener: RouteListener | null = null;

  constructor(
    private readonly ctx: DriverContext,
    readonly entry: AgentEntry,
    private readonly holding: HoldingBridge,
    private readonly presence: AgentPresence,
  ) {}

  get isParked(): boolean {
    return this.state === 'parked';
  }

  get hasLeg(): boolean {
    return this.legId !== null;
  }

  get leg(): string | null {
    return this.legId;
  }

  /** Calls the agent's phone unless a leg is already up or on its way. */
  async dial(): Promise<void> {
    if (this.state !== 'down') return;
    this.cancelRedial();
    this.state = 'dialling';
    this.parkRequested = false;
    const { config, http } = this.ctx;
    const session = `${config.app}-agent-${this.entry.ref.stationId}-${this.ctx.newId()}`;
    const legId = `${session}-leg`;
    this.legId = legId;
    const listener: RouteListener = (event) => this.onLegEvent(legId, event as ChannelEvent);
    this.listener = listener;
    this.ctx.route(legId, listener);
    try {
      await this.holding.ensure();
      await http.post(
        '/channels/create',
        { endpoint: this.entry.endpoint, app: config.app, appArgs: `agent,${session}`, channelId: legId },
        { variables: { CCS_CALL_ID: session } },
      );
      await http.post(`/channels/${encodeURIComponent(legId)}/dial`, { timeout: config.agentRingSeconds });
    } catch (error) {
      if (this.legId === legId) {
        http.delete(`/channels/${encodeURIComponent(legId)}`, { reason: 'normal' }).catch(() => {});
        this.lost(legId, `cannot call the agent's phone: ${errorText(error)}`);
      }
      throw error;
    }
  }

  /** Resolves once the leg is parked, rejects if it is lost or `limitMs` passes first. */
  async whenParked(limitMs: number): Promise<void> {
    if (this.state === 'parked') return;
    if (this.state === 'busy') throw new Error(`agent ${this.entry.ref.agentCode} is in another call`);
    if (this.state !== 'dialling') throw new Error(`agent ${this.entry.ref.agentCode} has no nailed-up leg`);
    const timer = this.ctx.clock.setTimer(limitMs, () => this.parked.reject(new Error(`agent ${this.entry.ref.agentCode} did not answer in time`)));
    try {
      await this.parked.promise;
    } finally {
      timer.cancel();
    }
  }

  /** Lends the parked leg to a call; the caller then adds it to the call's bridge. */
  borrow(borrower: LegBorrower): string {
    if (this.state !== 'parked' || !this.legId) throw new Error(`agent ${this.entry.ref.agentCode} is not waiting in the holding bridge`);
    this.state = 'busy';
    this.borrower = borrower;
    return this.legId;
  }

  /** The call is over: out of the mixing bridge and back to the holding bridge (or hung up). */
  async giveBack(fromBridge: string | null): Promise<void> {
    this.borrower = null;
    const legId = this.legId;
    if (!legId || (this.state !== 'busy' && this.state !== 'stopped')) return;
    const { http } = this.ctx;
    const leg = encodeURIComponent(legId);
    try {
      if (fromBridge) {
        await http.post(`/bridges/${encodeURIComponent(fromBridge)}/removeChannel`, { channel: legId }).catch((error) => {
          if (!isAriError(error, 'not-found', 'invalid', 'unprocessable')) throw error;
        });
      }
      if (this.state === 'stopped') {
        await http.delete(`/channels/${leg}`, { reason: 'normal' }).catch(() => {});
        return;
      }
      const holding = await this.holding.ensure();
      await http.post(`/bridges/${encodeURIComponent(holding)}/addChannel`, { channel: legId, role: 'participant' });
      if (this.legId === legId && this.state === 'busy') this.state = 'parked';
    } catch (error) {
      this.ctx.logger.warn({ agentCode: this.entry.ref.agentCode, err: errorText(error) }, 'agent could not be parked again; calling the phone anew');
      http.delete(`/channels/${leg}`, { reason: 'normal' }).catch(() => {});
      if (this.legId === legId) this.lost(legId, 'could not be parked again');
    }
  }

  /** Signs out: hangs up the leg now, or after the call it is in. */
  async stop(): Promise<void> {
    const wasBusy = this.state === 'busy';
    this.state = 'stopped';
    this.cancelRedial();
    this.parked.reject(new Error('signed out'));
    if (wasBusy || !this.legId) return;
    const legId = this.legId;
    await this.ctx.http.delete(`/channels/${encodeURIComponent(legId)}`, { reason: 'normal' }).catch(() => {});
  }

  /** The leg is gone without events (Asterisk restarted, or it is not among ARI's channels). */
  forgetLeg(reason: string): void {
    if (this.legId) this.lost(this.legId, reason);
  }

  /** Calls the phone again soon (delay 0: at once), if still signed in and without a leg. */
  redialAfter(delayMs: number): void {
    if (this.state !== 'down') return;
    this.cancelRedial();
    this.redialTimer = this.ctx.clock.setTimer(delayMs, () => {
      this.redialTimer = null;
      if (this.state !== 'down' || !this.ctx.isUp()) return;
      this.dial().catch((error) =>
        this.ctx.logger.warn({ agentCode: this.entry.ref.agentCode, err: errorText(error) }, 'agent phone could not be called'),
      );
    });
  }

  private onLegEvent(legId: string, event: ChannelEvent): void {
    if (legId !== this.legId) return;
    switch (event.type) {
      case 'Dial':
        if (event.dialstatus === 'ANSWER') this.park(legId);
        return;
      case 'ChannelStateChange':
        if (event.channel.state === 'Up') this.park(legId);
        return;
      case 'ChannelEnteredBridge':
        if (event.bridge.id === this.holding.current) {
          if (this.state !== 'dialling') return;
          this.state = 'parked';
          this.parked.resolve();
          this.presence.announce(this.entry, 'online', true);
        } else {
          this.borrower?.agentEntered(event.bridge.id);
        }
        return;
      case 'StasisEnd':
      case 'ChannelDestroyed':
        this.lost(legId, event.type === 'ChannelDestroyed' ? `phone hung up (${event.cause_txt})` : 'phone hung up');
        return;
      default:
        return;
    }
  }

  private park(legId: string): void {
    if (this.state !== 'dialling' || this.parkRequested) return;
    this.parkRequested = true;
    this.holding
      .ensure()
      .then((holding) =>
        this.ctx.http.post(`/bridges/${encodeURIComponent(holding)}/addChannel`, { channel: legId, role: 'participant' }),
      )
      .catch((error) => {
        this.ctx.logger.warn({ agentCode: this.entry.ref.agentCode, err: errorText(error) }, 'agent could not be parked');
        this.ctx.http.delete(`/channels/${encodeURIComponent(legId)}`, { reason: 'normal' }).catch(() => {});
        this.lost(legId, 'could not be parked');
      });
  }

  private lost(legId: string, reason: string): void {
    if (legId !== this.legId) return;
    if (this.listener) this.ctx.unroute(legId, this.listener);
    this.legId = null;
    this.listener = null;
    const borrower = this.borrower;
    this.borrower = null;
    const stopped = this.state === 'stopped';
    if (!stopped) this.state = 'down';
    this.parked.reject(new Error(`agent ${this.entry.ref.agentCode}: ${reason}`));
    this.parked = deferred();
    this.ctx.logger.info({ agentCode: this.entry.ref.agentCode, reason }, 'nailed-up agent leg ended');
    borrower?.agentGone(reason);
    if (stopped) return;
    this.presence.announce(this.entry, 'offline');
    this.redialAfter(this.ctx.config.agentRetrySeconds * 1000);
  }

  private cancelRedial(): void {
    this.redialTimer?.cancel();
    this.redialTimer = null;
  }
}
