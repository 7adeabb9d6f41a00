/**
 * Call controls on one connected customer leg over standard ARI (the `CallControls` rules of
 * src/ports/telephony.ts):
 *
 * - hold: `POST /channels/{customer}/moh?mohClass=…` (the customer hears music on hold) and
 *   `POST /channels/{customer}/mute?direction=in` (the agent hears nothing); resume deletes both.
 * - mute: `POST /channels/{agent leg}/mute?direction=in` (the agent's voice stays out of the
 *   bridge; the agent still hears); unmute deletes it. DTMF: `POST /channels/{customer}/dtmf`.
 * - transfer: the customer is held, the target is called (`channels/create` with
 *   `originator=<callId>`, then `dial`) as `<callId>-consult-<n>`, or a nailed-up target's
 *   parked leg is borrowed. When it answers, an attended transfer puts agent and target in
 *   the consult bridge `<callId>-consult` (`addChannel` moves the agent out of the call's
 *   bridge); a blind one, and `completeTransfer`, add the target to the call's bridge and
 *   let the first agent go (hung up, or parked again when nailed up). `conference` adds agent
 *   and target to the call's bridge; `cancelTransfer` hangs up the target (or gives its leg
 *   back) and brings the agent back. The call's recording is of its bridge: it covers every
 *   party that talks to the customer.
 * - while the customer waits alone in the call's bridge (an attended consult), the bridge also
 *   plays music on hold (`POST /bridges/{id}/moh`, an announcer channel). Without it, customer
 *   (muted) and recorder are a two-party bridge where no frame flows, and Asterisk ends a
 *   recording that gets no audio for 4 s ("No audio available on Recorder/…"): everything
 *   after the consult was missing from the recording. The customer keeps hearing the
 *   channel's own music on hold.
 *
 * States: idle → ringing → answered → (conference) → idle, or → transferred (the target has
 * the customer; its hang-up ends the call).
 */
import {
  CallControlError,
  DTMF_DIGITS,
  type ConsultFailure,
  type PartyRef,
  type TransferTarget,
} from '../../ports/telephony.ts';
import type { CallBridge } from './agent-connector.ts';
import type { ChannelEvent } from './ari-events.ts';
import { isAriError } from './ari-http.ts';
import { errorText, postOnNewChannel, type DriverContext, type RouteListener } from './driver-context.ts';
import type { LegBorrower, NailedUpAgent } from './nailed-up-agent.ts';

/** How the driver reaches a transfer target. */
export type TargetRoute = { kind: 'dial'; endpoint: string } | { kind: 'nailed'; session: NailedUpAgent } | { kind: 'refused'; reason: ConsultFailure };

/** What the controls need from the customer's leg. */
export interface ControlHost {
  readonly callId: string;
  readonly bridge: CallBridge;
  isEnding(): boolean;
  /** The first agent's leg while it is connected, else null. */
  connectedAgentLeg(): string | null;
  /** The transfer completed: the first agent leaves without ending the call. */
  handOver(): Promise<void>;
  /** The agent who has the customer now hung up: the call is over. */
  agentLeft(reason: string): void;
}

interface Consult {
  party: PartyRef;
  mode: 'blind' | 'attended';
  phase: 'ringing' | 'answered' | 'conference' | 'done';
  legId: string | null;
  nailed: NailedUpAgent | null;
  listener: RouteListener | null;
  cancelled: boolean;
  /** `consult` ringing was reported. */
  rang: boolean;
}

const partyOf = (target: TransferTarget): PartyRef =>
  target.kind === 'agent' ? { kind: 'agent', agentCode: target.agent.agentCode } : { kind: 'number', number: target.number };

/** Q.850 cause of a target leg that never answered → why the consult failed. */
function failureOf(cause: number | undefined): ConsultFailure {
  if (cause === 17) return 'busy';
  if (cause === 18 || cause === 19) return 'no-answer';
  if (cause === 20) return 'offline';
  return 'failed';
}

export class LegControls {
  private held = false;
  private muted = false;
  private consult: Consult | null = null;
  private consults = 0;
  /** After a completed transfer: the target's leg, which now has the customer. */
  private handlerLeg: string | null = null;
  private handlerNailed: NailedUpAgent | null = null;
  private handlerListener: RouteListener | null = null;
  /** Whether the consult bridge exists. */
  private consultBridge = false;
  /** The call's bridge plays music on hold (the customer alone in it, see above). */
  private bridgeMusic = false;

  constructor(
    private readonly ctx: DriverContext,
    private readonly host: ControlHost,
    private readonly routeOf: (target: TransferTarget) => TargetRoute,
  ) {}

  private get agentLeg(): string | null {
    return this.handlerLeg ?? this.host.connectedAgentLeg();
  }

  private require(what: string): string {
    const leg = this.agentLeg;
    if (this.host.isEnding() || !leg) throw new CallControlError('not-connected', `${what}: call ${this.host.callId} is not connected to an agent`);
    return leg;
  }

  private emit(event: { type: 'held' | 'resumed' | 'muted' | 'unmuted' }): void {
    this.ctx.emit({ ...event, callId: this.host.callId, at: this.ctx.clock.now() });
  }

  private channel(id: string): string {
    return `/channels/${encodeURIComponent(id)}`;
  }

  async hold(): Promise<void> {
    this.require('hold');
    if (this.held) return;
    if (this.consult) throw new CallControlError('transfer-state', `hold: call ${this.host.callId} has a transfer in progress`);
    await this.setHeld(true);
  }

  async resume(): Promise<void> {
    this.require('resume');
    if (!this.held) return;
    if (this.consult && this.consult.phase !== 'conference') throw new CallControlError('transfer-state', `resume: call ${this.host.callId} is being transferred; cancel the transfer first`);
    await this.setHeld(false);
  }

  async mute(on: boolean): Promise<void> {
    const leg = this.require(on ? 'mute' : 'unmute');
    if (this.muted === on) return;
    if (on) await this.ctx.http.post(`${this.channel(leg)}/mute`, { direction: 'in' });
    else await this.ctx.http.delete(`${this.channel(leg)}/mute`, { direction: 'in' });
    this.muted = on;
    this.emit({ type: on ? 'muted' : 'unmuted' });
  }

  async sendDtmf(digits: string): Promise<void> {
    this.require('sendDtmf');
    if (!DTMF_DIGITS.test(digits)) throw new CallControlError('invalid-digits', `sendDtmf: ${JSON.stringify(digits)} is not DTMF`);
    await this.ctx.http.post(`${this.channel(this.host.callId)}/dtmf`, { dtmf: digits, between: 100, duration: 100 });
  }

  async transfer(target: TransferTarget, mode: 'blind' | 'attended'): Promise<void> {
    this.require('transfer');
    if (this.consult) throw new CallControlError('transfer-state', `transfer: call ${this.host.callId} already has a transfer in progress`);
    if (target.kind === 'number' && !/^\+?\d{1,32}$/.test(target.number)) throw new CallControlError('invalid-target', `transfer: invalid number ${JSON.stringify(target.number)}`);
    const route = this.routeOf(target);
    const consult: Consult = { party: partyOf(target), mode, phase: 'ringing', legId: null, nailed: null, listener: null, cancelled: false, rang: false };
    this.consult = consult;
    await this.setHeld(true);
    if (route.kind === 'refused') return this.failed(consult, route.reason);
    if (route.kind === 'nailed') {
      // The target's line is up already: it answers at once.
      let legId: string;
      try {
        legId = route.session.borrow(this.borrowerFor(consult));
      } catch {
        return this.failed(consult, 'busy');
      }
      consult.nailed = route.session;
      consult.legId = legId;
      consult.rang = true;
      this.consultEvent(consult, 'ringing');
      return this.answered(consult);
    }
    const legId = `${this.host.callId}-consult-${++this.consults}`;
    consult.legId = legId;
    consult.listener = (event) => this.onConsultLeg(consult, event as ChannelEvent);
    this.ctx.route(legId, consult.listener);
    const { config, http } = this.ctx;
    try {
      await http.post(
        '/channels/create',
        { endpoint: route.endpoint, app: config.app, appArgs: `consult,${this.host.callId}`, channelId: legId, originator: this.host.callId },
        { variables: { CCS_CALL_ID: this.host.callId } },
      );
      await postOnNewChannel(this.ctx, legId, 'dial', { timeout: config.agentRingSeconds }, () => consult.cancelled || this.consult !== consult);
    } catch (error) {
      if (consult.phase !== 'ringing' || this.consult !== consult) return;
      this.ctx.logger.info({ callId: this.host.callId, err: errorText(error) }, 'transfer target could not be called');
      http.delete(this.channel(legId), { reason: 'normal' }).catch(() => {});
      // 500 "Allocation failed": the endpoint has no registered contact.
      return this.failed(consult, isAriError(error, 'server-error') ? 'offline' : 'failed');
    }
  }

  async completeTransfer(): Promise<void> {
    this.require('completeTransfer');
    const consult = this.consult;
    if (!consult || (consult.phase !== 'answered' && consult.phase !== 'conference')) {
      throw new CallControlError('transfer-state', `completeTransfer: call ${this.host.callId} has no answered consult`);
    }
    await this.handOver(consult);
  }

  async cancelTransfer(): Promise<void> {
    this.require('cancelTransfer');
    const consult = this.consult;
    if (!consult) throw new CallControlError('transfer-state', `cancelTransfer: call ${this.host.callId} has no transfer in progress`);
    consult.cancelled = true;
    await this.dropTarget(consult);
    await this.backWithCustomer(consult);
  }

  async conference(): Promise<void> {
    const agentLeg = this.require('conference');
    const consult = this.consult;
    if (!consult || consult.phase !== 'answered' || consult.mode === 'blind' || !consult.legId) {
      throw new CallControlError('transfer-state', `conference: call ${this.host.callId} has no answered consult`);
    }
    consult.phase = 'conference';
    const bridgeId = await this.host.bridge.ensure();
    await this.ctx.http.post(`/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: `${agentLeg},${consult.legId}` });
    await this.setBridgeMusic(false);
    await this.destroyConsultBridge();
    await this.setHeld(false);
    this.ctx.emit({ type: 'conference', callId: this.host.callId, phase: 'joined', party: consult.party, at: this.ctx.clock.now() });
  }

  /** The customer is gone: the target's leg (ringing, consulting or with the customer) goes too. */
  async release(): Promise<void> {
    const consult = this.consult;
    this.consult = null;
    if (consult) {
      consult.cancelled = true;
      await this.dropTarget(consult, true);
    }
    await this.destroyConsultBridge();
    // The call's bridge is destroyed with the call, its music with it.
    this.bridgeMusic = false;
    if (this.handlerListener && this.handlerLeg) this.ctx.unroute(this.handlerLeg, this.handlerListener);
    const leg = this.handlerLeg;
    this.handlerLeg = null;
    if (this.handlerNailed) await this.handlerNailed.giveBack(this.host.bridge.current);
    else if (leg) await this.ctx.http.delete(this.channel(leg), { reason: 'normal' }).catch(() => {});
    this.handlerNailed = null;
  }

  private async setHeld(held: boolean): Promise<void> {
    if (this.held === held) return;
    const customer = this.channel(this.host.callId);
    const { http, config } = this.ctx;
    if (held) {
      await http.post(`${customer}/moh`, { mohClass: config.mohClass });
      await http.post(`${customer}/mute`, { direction: 'in' });
    } else {
      await http.delete(`${customer}/moh`);
      await http.delete(`${customer}/mute`, { direction: 'in' });
    }
    this.held = held;
    this.emit({ type: held ? 'held' : 'resumed' });
  }

  private async setBridgeMusic(on: boolean): Promise<void> {
    const bridgeId = this.host.bridge.current;
    if (this.bridgeMusic === on || !bridgeId) return;
    this.bridgeMusic = on;
    const path = `/bridges/${encodeURIComponent(bridgeId)}/moh`;
    // Never fails the control itself: without the music only the recording's end is at risk.
    // On stopping, 404 (bridge gone) and 409 (no music playing) leave nothing to stop.
    const request = on ? this.ctx.http.post(path, { mohClass: this.ctx.config.mohClass }) : this.ctx.http.delete(path);
    await request.catch((error) => {
      if (on || !isAriError(error, 'not-found', 'conflict')) this.controlFailed(error);
    });
  }

  private consultEvent(consult: Consult, phase: 'ringing' | 'answered' | 'failed' | 'ended', reason?: ConsultFailure): void {
    this.ctx.emit({ type: 'consult', callId: this.host.callId, phase, party: consult.party, ...(reason ? { reason } : {}), at: this.ctx.clock.now() });
  }

  private borrowerFor(consult: Consult): LegBorrower {
    return {
      agentEntered: () => {},
      agentGone: (reason) => {
        // After the transfer the target has the customer: its line going ends the call.
        if (this.handlerNailed === consult.nailed && this.handlerLeg === consult.legId) this.host.agentLeft(`the transfer target left: ${reason}`);
        else this.targetGone(consult, reason);
      },
    };
  }

  private onConsultLeg(consult: Consult, event: ChannelEvent): void {
    switch (event.type) {
      case 'Dial':
        // Asterisk reports RINGING on every 180/183 the target sends (a phone may send more than one).
        if (event.dialstatus === 'RINGING' && !consult.rang && consult.phase === 'ringing') {
          consult.rang = true;
          this.consultEvent(consult, 'ringing');
        }
        else if (event.dialstatus === 'ANSWER') void this.answered(consult).catch((error) => this.controlFailed(error));
        return;
      case 'ChannelStateChange':
        if (event.channel.state === 'Up') void this.answered(consult).catch((error) => this.controlFailed(error));
        return;
      case 'ChannelDestroyed':
        if (consult.listener && consult.legId) this.ctx.unroute(consult.legId, consult.listener);
        if (consult.phase === 'ringing' && !consult.cancelled) void this.failed(consult, failureOf(event.cause)).catch((error) => this.controlFailed(error));
        else this.targetGone(consult, `target hung up (${event.cause_txt})`);
        return;
      default:
        return;
    }
  }

  private controlFailed(error: unknown): void {
    this.ctx.logger.warn({ callId: this.host.callId, err: errorText(error) }, 'call control step failed');
  }

  private async answered(consult: Consult): Promise<void> {
    if (consult.phase !== 'ringing' || this.consult !== consult || consult.cancelled) return;
    consult.phase = 'answered';
    this.consultEvent(consult, 'answered');
    if (consult.mode === 'blind') return this.handOver(consult);
    const agentLeg = this.host.connectedAgentLeg();
    if (!agentLeg || !consult.legId) return;
    const consultBridge = `${this.host.callId}-consult`;
    await this.ctx.http.post('/bridges', { type: 'mixing', bridgeId: consultBridge, name: `ccs-consult-${this.host.callId}` });
    this.consultBridge = true;
    // The agent leaves the call's bridge for the consult bridge; the customer stays, on hold.
    await this.ctx.http.post(`/bridges/${encodeURIComponent(consultBridge)}/addChannel`, { channel: `${agentLeg},${consult.legId}` });
    await this.setBridgeMusic(true);
  }

  private async failed(consult: Consult, reason: ConsultFailure): Promise<void> {
    if (this.consult !== consult) return;
    consult.phase = 'done';
    this.consult = null;
    this.consultEvent(consult, 'failed', reason);
    await this.setHeld(false);
  }

  /** The target has the customer; the first agent goes. */
  private async handOver(consult: Consult): Promise<void> {
    if (!consult.legId) return;
    consult.phase = 'done';
    this.consult = null;
    const bridgeId = await this.host.bridge.ensure();
    await this.ctx.http.post(`/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: consult.legId });
    await this.setBridgeMusic(false);
    await this.host.handOver();
    await this.destroyConsultBridge();
    this.handlerLeg = consult.legId;
    this.handlerNailed = consult.nailed;
    this.muted = false;
    if (consult.listener) {
      // From now on the target's hang-up ends the call.
      this.ctx.unroute(consult.legId, consult.listener);
      this.handlerListener = (event) => {
        if (event.type === 'ChannelDestroyed' || event.type === 'StasisEnd') this.host.agentLeft('the transfer target hung up');
      };
      this.ctx.route(consult.legId, this.handlerListener);
    }
    await this.setHeld(false);
    this.ctx.emit({ type: 'transferred', callId: this.host.callId, party: consult.party, at: this.ctx.clock.now() });
  }

  /** Hangs up the target's leg (or gives a nailed-up leg back to its holding bridge). */
  private async dropTarget(consult: Consult, silently = false): Promise<void> {
    const phase = consult.phase;
    consult.phase = 'done';
    if (this.consult === consult) this.consult = null;
    if (consult.legId) {
      if (consult.listener) this.ctx.unroute(consult.legId, consult.listener);
      if (consult.nailed) await consult.nailed.giveBack(null);
      else await this.ctx.http.delete(this.channel(consult.legId), { reason: 'normal' }).catch((error) => {
        if (!isAriError(error, 'not-found')) throw error;
      });
    }
    if (silently || phase === 'done') return;
    if (phase === 'conference') this.ctx.emit({ type: 'conference', callId: this.host.callId, phase: 'left', party: consult.party, at: this.ctx.clock.now() });
    else this.consultEvent(consult, 'ended');
  }

  /** The agent talks to the customer again (out of the consult bridge, customer off hold). */
  private async backWithCustomer(consult: Consult): Promise<void> {
    const agentLeg = this.host.connectedAgentLeg();
    const bridgeId = this.host.bridge.current;
    if (agentLeg && bridgeId && this.consultBridge) await this.ctx.http.post(`/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: agentLeg });
    await this.setBridgeMusic(false);
    await this.destroyConsultBridge();
    await this.setHeld(false);
  }

  /** The target's leg went away by itself. */
  private targetGone(consult: Consult, reason: string): void {
    if (this.consult !== consult || consult.cancelled) return;
    this.ctx.logger.info({ callId: this.host.callId, reason }, 'transfer target left');
    const phase = consult.phase;
    consult.phase = 'done';
    this.consult = null;
    if (phase === 'ringing') {
      this.consultEvent(consult, 'failed', 'failed');
      void this.setHeld(false).catch((error) => this.controlFailed(error));
      return;
    }
    if (phase === 'conference') this.ctx.emit({ type: 'conference', callId: this.host.callId, phase: 'left', party: consult.party, at: this.ctx.clock.now() });
    else this.consultEvent(consult, 'ended');
    void this.backWithCustomer(consult).catch((error) => this.controlFailed(error));
  }

  private async destroyConsultBridge(): Promise<void> {
    if (!this.consultBridge) return;
    this.consultBridge = false;
    await this.ctx.http.delete(`/bridges/${encodeURIComponent(`${this.host.callId}-consult`)}`).catch((error) => {
      if (!isAriError(error, 'not-found')) this.controlFailed(error);
    });
  }
}
