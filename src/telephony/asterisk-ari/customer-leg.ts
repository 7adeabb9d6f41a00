/**
 * One customer leg, keyed by the engine's call id, which is also its ARI channel id (chosen
 * before `channels/create`, so events that beat the HTTP response find the leg).
 *
 * Phases: placing (create/dial in flight) → live → ending (the customer left Stasis: stop
 * the recording, release the agent, destroy the bridge, fetch the recording) → ended (once
 * `ChannelDestroyed` is in and the teardown is done: exactly one `ended` goes out). A leg
 * whose create or dial was refused is discarded: `placeCall` rejects and no `ended` is owed.
 *
 * Progress: `ringing` on ChannelStateChange Ringing or Dial RINGING, `answered` on Dial
 * ANSWER or ChannelStateChange Up (whichever comes first, once each). The cause comes from
 * `ChannelDestroyed` (cause-mapping.ts), or is `abandoned` after abandonCall, or — for a leg
 * ARI no longer knows after a reconnect — `normal` if it had been answered, else `failed`.
 */
import type { HangupCause } from '../../domain/disposition.ts';
import type { TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingOutcome, TransferTarget } from '../../ports/telephony.ts';
import { AgentConnection, CallBridge, type ConnectionHost } from './agent-connector.ts';
import type { AriChannel, ChannelEvent, OtherEvent } from './ari-events.ts';
import { isAriError, type Query } from './ari-http.ts';
import { LegControls, type ControlHost, type TargetRoute } from './call-controls.ts';
import { describeLegEnd, hangupCauseOf, type LegEnd } from './cause-mapping.ts';
import { deferred, errorText, type DriverContext, type RouteListener } from './driver-context.ts';
import { BridgeRecording } from './recording.ts';

export type LegPhase = 'placing' | 'live' | 'ending' | 'ended' | 'discarded';

/** How long a leg whose DELETE found no channel waits for its ChannelDestroyed. */
const GONE_GRACE_MS = 3000;
/**
 * How long a new channel may take to enter the application. Asterisk answers `channels/create`
 * before the channel is in Stasis when loaded, and refuses `/variable` and `/dial` on it with
 * 409 "Channel not in Stasis application" until then.
 */
export const STASIS_WAIT_MS = 5000;
/** Pauses between tries of a request refused with 409 while the channel is not in Stasis. */
const NOT_IN_STASIS_RETRY_MS = [100, 200, 400, 800, 1600];

export class CustomerLeg implements ConnectionHost, ControlHost {
  phase: LegPhase = 'placing';
  readonly bridge: CallBridge;
  readonly recording: BridgeRecording;
  private answeredAt: number | null = null;
  private ringing = false;
  private dialStatus: string | undefined;
  private end: { legEnd: LegEnd; at: number; cause?: HangupCause; detail?: string } | null = null;
  private hangupWanted = false;
  private deleteSent = false;
  private abandoning = false;
  private playbackListener: RouteListener | null = null;
  private abandonTimer: TimerHandle | null = null;
  private teardownStarted = false;
  private teardownDone = false;
  private recordingOutcome: RecordingOutcome | undefined;
  /** A recording the store is still trying to write: `ended` goes out without waiting for it. */
  private recordingLater: Promise<RecordingOutcome> | undefined;
  private connection: AgentConnection | null = null;
  /** Agent legs found in an adopted call's bridge (agents called on answer): hung up at its end. */
  private adoptedAgentLegs: string[] = [];
  private connectAttempts = 0;
  /** The first agent left after a completed transfer (the call goes on with the target). */
  private handedOver = false;
  /** Hold, mute, DTMF, transfer and conference on this call (call-controls.ts). */
  readonly controls: LegControls;
  private readonly log: Logger;
  private readonly done = deferred<void>();
  private readonly inStasis = deferred<boolean>();
  private readonly listener: RouteListener = (event) => this.onEvent(event);

  constructor(
    private readonly ctx: DriverContext,
    readonly callId: string,
    readonly trunk: string,
    private readonly onFinished: (leg: CustomerLeg) => void,
    routeOf: (target: TransferTarget) => TargetRoute = () => ({ kind: 'refused', reason: 'failed' }),
  ) {
    this.log = ctx.logger.child({ callId });
    this.controls = new LegControls(ctx, this, routeOf);
    this.bridge = new CallBridge(ctx, callId);
    this.recording = new BridgeRecording(ctx, callId);
    ctx.route(callId, this.listener);
  }

  /** Resolves once the leg has ended (its `ended` is out) or was discarded. */
  get finished(): Promise<void> {
    return this.done.promise;
  }

  /** A leg found in ARI after a restart of CCS: followed from its current state, silently. */
  adopt(channel: AriChannel): void {
    this.phase = 'live';
    this.inStasis.resolve(true);
    this.ringing = channel.state === 'Ringing' || channel.state === 'Ring' || channel.state === 'Up';
    if (channel.state === 'Up') this.answeredAt = this.ctx.clock.now();
  }

  /**
   * An adopted leg that is up may be a conversation another CCS process connected (it died, or
   * this one took its agent group over): its bridge, its recording and, with agents called on
   * answer, its agent's leg are taken over too, so the end tears them down, hangs the agent's
   * phone up and reports the recording as for a call of this process. Never throws.
   */
  async recover(): Promise<void> {
    if (!this.answered) return;
    try {
      const bridgeId = `${this.callId}-bridge`;
      const bridge = await this.ctx.http.get<{ channels: string[] }>(`/bridges/${encodeURIComponent(bridgeId)}`).catch((error) => {
        if (isAriError(error, 'not-found')) return null;
        throw error;
      });
      if (!bridge) return;
      this.bridge.adopt(bridgeId);
      if (this.ctx.config.agentMode === 'on-answer') this.adoptedAgentLegs = bridge.channels.filter((id) => id.startsWith(`${this.callId}-agent`));
      const live = await this.ctx.http.get(`/recordings/live/${encodeURIComponent(this.recording.name)}`).then(
        () => true,
        (error) => (isAriError(error, 'not-found') ? false : Promise.reject(error)),
      );
      if (live) this.recording.adoptLive();
      this.log.info({ bridge: bridgeId, agentLegs: this.adoptedAgentLegs, recording: live }, 'followed a conversation connected by another process');
    } catch (error) {
      this.log.warn({ err: errorText(error) }, 'conversation of an adopted call not recovered; its end is still reported');
    }
  }

  get answered(): boolean {
    return this.answeredAt !== null;
  }

  /** Whether the leg still holds a channel (for the trunk limit and liveCalls). */
  get counted(): boolean {
    return this.phase !== 'ended' && this.phase !== 'discarded' && this.end === null;
  }

  isEnding(): boolean {
    return this.phase !== 'placing' && this.phase !== 'live';
  }

  /** `channels/create` succeeded; returns whether the leg should still be dialled. */
  created(): boolean {
    if (this.phase === 'placing') this.phase = 'live';
    return this.phase === 'live' && !this.hangupWanted;
  }

  /** Whether the leg should still be dialled (no hang-up asked for, not ending). */
  get dialWanted(): boolean {
    return this.phase === 'live' && !this.hangupWanted;
  }

  /**
   * Resolves true once the channel is in the application (its StasisStart, which usually
   * beats the create's response), false after `timeoutMs` or when the leg ends first.
   */
  async whenInApplication(timeoutMs: number): Promise<boolean> {
    if (this.inStasis.settled) return this.inStasis.promise;
    const timer = this.ctx.clock.setTimer(timeoutMs, () => this.inStasis.resolve(false));
    try {
      return await this.inStasis.promise;
    } finally {
      timer.cancel();
    }
  }

  /**
   * A request on the new channel, tried again (bounded) while Asterisk answers 409 because
   * the channel is not in the application yet. Any other answer, or the leg ending, stops it.
   */
  async postWhileJoining(path: string, query: Query): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.ctx.http.post(`/channels/${encodeURIComponent(this.callId)}${path}`, query);
        return;
      } catch (error) {
        const pause = NOT_IN_STASIS_RETRY_MS[attempt];
        if (!isAriError(error, 'conflict') || pause === undefined || this.isEnding()) throw error;
        this.log.info({ request: path, err: errorText(error) }, 'channel not in the application yet; trying again');
        await new Promise<void>((resolve) => this.ctx.clock.setTimer(pause, resolve));
      }
    }
  }

  /** create or dial was refused: the leg never existed for the engine. */
  discard(): void {
    if (this.phase === 'ended') return;
    this.phase = 'discarded';
    this.inStasis.resolve(false);
    this.abandonTimer?.cancel();
    this.ctx.unroute(this.callId, this.listener);
    this.done.resolve();
  }

  /** ARI reports the channel state it has now (after a reconnect). */
  catchUp(channel: AriChannel): void {
    if (channel.state === 'Ringing' || channel.state === 'Ring') this.markRinging();
    if (channel.state === 'Up') this.markAnswered();
  }

  /** ARI does not know the channel any more (Asterisk restarted, or events were lost). */
  lose(reason: string, at: number): boolean {
    if (this.phase === 'placing' || this.phase === 'ended' || this.phase === 'discarded' || this.end) return false;
    this.end = { legEnd: { answered: this.answered, cause: 0 }, at, cause: this.answered ? 'normal' : 'failed', detail: reason };
    this.log.warn({ reason, answered: this.answered }, 'customer leg lost');
    this.beginTeardown();
    return true;
  }

  async hangup(): Promise<void> {
    if (this.phase === 'placing') {
      this.hangupWanted = true;
      return;
    }
    if (this.phase !== 'live' || this.hangupWanted) return;
    this.hangupWanted = true;
    await this.sendHangup();
  }

  async abandon(): Promise<void> {
    if (this.phase === 'placing' || !this.answered) return this.hangup();
    if (this.phase !== 'live' || this.abandoning) return;
    this.abandoning = true;
    // An agent still being reached must not be bridged with a customer being let go.
    const connecting = this.connection;
    this.connection = null;
    if (connecting) await connecting.release();
    const playbackId = `${this.callId}-abandon`;
    this.playbackListener = (event) => {
      if (event.type === 'PlaybackFinished') void this.sendHangup().catch(() => {});
    };
    this.ctx.route(`playback:${playbackId}`, this.playbackListener);
    const { config, clock, http } = this.ctx;
    try {
      await http.post(`/channels/${encodeURIComponent(this.callId)}/play`, { media: config.abandonSound, playbackId });
      this.abandonTimer = clock.setTimer(config.abandonMaxSeconds * 1000, () => void this.sendHangup().catch(() => {}));
    } catch (error) {
      this.log.warn({ err: errorText(error) }, 'abandon message not played; hanging up');
      await this.sendHangup();
    }
  }

  /** Hands the answered customer to an agent connection and waits for its outcome. */
  connect(make: (host: ConnectionHost, attempt: number) => AgentConnection): Promise<void> {
    if (this.phase !== 'live') return Promise.reject(new Error(`call ${this.callId} is ${this.phase}`));
    if (!this.answered) return Promise.reject(new Error(`call ${this.callId} is not answered`));
    if (this.abandoning) return Promise.reject(new Error(`call ${this.callId} is being abandoned`));
    if (this.connection) return Promise.reject(new Error(`call ${this.callId} is already with agent ${this.connection.agentCode}`));
    const connection = make(this, ++this.connectAttempts);
    this.connection = connection;
    return connection.connect();
  }

  connectedAgentLeg(): string | null {
    return this.handedOver || this.phase !== 'live' ? null : (this.connection?.connectedLeg ?? null);
  }

  async handOver(): Promise<void> {
    const connection = this.connection;
    this.handedOver = true;
    await connection?.release();
  }

  connectionFailed(connection: AgentConnection): void {
    if (this.connection === connection) this.connection = null;
  }

  agentLeft(reason: string): void {
    this.log.info({ reason }, 'agent left the call: hanging up the customer');
    void this.hangup().catch((error) => this.log.warn({ err: errorText(error) }, 'customer not hung up'));
  }

  /** `DELETE /channels/{id}`, once; the leg's end then arrives as events. */
  async sendHangup(): Promise<void> {
    if (this.deleteSent) return;
    this.deleteSent = true;
    this.hangupWanted = true;
    this.abandonTimer?.cancel();
    try {
      await this.ctx.http.delete(`/channels/${encodeURIComponent(this.callId)}`, { reason: 'normal' });
    } catch (error) {
      if (!isAriError(error, 'not-found')) {
        this.deleteSent = false;
        this.hangupWanted = false;
        throw error;
      }
      // Already gone: its ChannelDestroyed should be on its way; if it never comes, end anyway.
      this.ctx.clock.setTimer(GONE_GRACE_MS, () => void this.lose('channel already gone when hung up', this.ctx.clock.now()));
    }
  }

  private onEvent(raw: OtherEvent): void {
    if (this.phase === 'ended' || this.phase === 'discarded') return;
    const event = raw as ChannelEvent;
    switch (event.type) {
      case 'StasisStart':
        this.inStasis.resolve(true);
        return;
      case 'ChannelStateChange':
        if (event.channel.state === 'Ringing' || event.channel.state === 'Ring') this.markRinging();
        else if (event.channel.state === 'Up') this.markAnswered();
        return;
      case 'Dial':
        if (event.dialstatus === 'RINGING') this.markRinging();
        else if (event.dialstatus === 'ANSWER') this.markAnswered();
        else if (event.dialstatus && event.dialstatus !== 'PROGRESS') this.dialStatus = event.dialstatus;
        return;
      case 'ChannelEnteredBridge':
        this.connection?.customerEntered(event.bridge.id);
        return;
      case 'StasisEnd':
        this.beginTeardown();
        return;
      case 'ChannelDestroyed':
        if (!this.end) {
          const legEnd: LegEnd = { answered: this.answered, cause: event.cause, causeText: event.cause_txt, dialStatus: this.dialStatus };
          if (event.tech_cause !== undefined) legEnd.techCause = event.tech_cause;
          this.end = { legEnd, at: this.ctx.clock.now() };
        }
        this.beginTeardown();
        return;
      default:
        return;
    }
  }

  private markRinging(): void {
    if (this.ringing || this.answered || this.isEnding()) return;
    this.ringing = true;
    this.ctx.emit({ type: 'ringing', callId: this.callId, at: this.ctx.clock.now() });
  }

  private markAnswered(): void {
    if (this.answered || this.isEnding()) return;
    this.ringing = true;
    this.answeredAt = this.ctx.clock.now();
    this.ctx.emit({ type: 'answered', callId: this.callId, at: this.answeredAt });
  }

  private beginTeardown(): void {
    this.inStasis.resolve(false);
    if (this.teardownStarted) {
      this.finishIfDone();
      return;
    }
    this.teardownStarted = true;
    if (this.phase === 'placing' || this.phase === 'live') this.phase = 'ending';
    this.abandonTimer?.cancel();
    void this.teardown().finally(() => {
      this.teardownDone = true;
      this.finishIfDone();
    });
  }

  /** The customer is gone: stop recording, release the agent, drop the bridge, keep the file. */
  private async teardown(): Promise<void> {
    try {
      await this.recording.stop();
      await this.controls.release();
      if (!this.handedOver) await this.connection?.release();
      for (const id of this.adoptedAgentLegs) {
        await this.ctx.http.delete(`/channels/${encodeURIComponent(id)}`).catch((error) => {
          if (!isAriError(error, 'not-found')) this.log.warn({ agentLeg: id, err: errorText(error) }, 'agent leg of an adopted call not hung up');
        });
      }
      await this.bridge.destroy();
      if (this.recording.requested) {
        // A refused write is retried by the store (bounded): the call is reported ended at once
        // and only its update waits for the outcome.
        const retrying = deferred<'retrying'>();
        const outcome = this.recording.collect(() => retrying.resolve('retrying'));
        const first = await Promise.race([outcome, retrying.promise]);
        if (first === 'retrying') this.recordingLater = outcome;
        else this.recordingOutcome = first;
      }
    } catch (error) {
      this.log.warn({ err: errorText(error) }, 'call teardown incomplete');
    }
  }

  private finishIfDone(): void {
    if (!this.end || !this.teardownDone || this.phase === 'ended' || this.phase === 'discarded') return;
    this.phase = 'ended';
    this.ctx.unroute(this.callId, this.listener);
    if (this.playbackListener) this.ctx.unroute(`playback:${this.callId}-abandon`, this.playbackListener);
    this.onFinished(this);
    const { legEnd, at } = this.end;
    const cause: HangupCause = this.abandoning ? 'abandoned' : (this.end.cause ?? hangupCauseOf(legEnd));
    const detail = this.end.detail ?? describeLegEnd(legEnd);
    this.log.info({ cause, detail }, 'customer leg ended');
    this.ctx.emit({
      type: 'ended',
      callId: this.callId,
      at,
      cause,
      detail,
      ...(this.recordingOutcome ? { recording: this.recordingOutcome } : {}),
      ...(this.recordingLater ? { recordingLater: this.recordingLater } : {}),
    });
    this.done.resolve();
  }
}
