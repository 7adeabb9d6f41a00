/**
 * Connecting one answered customer with one agent, in the customer's mixing bridge
 * (`<callId>-bridge`, created on the first connect of the call).
 *
 * - On-answer: the agent's phone is called (`channels/create` with `originator=<callId>`,
 *   so both legs share a linkedid, then `dial`); when it answers, customer and agent are
 *   added in one `addChannel?channel=<customer>,<agent>`, as captured.
 * - Nailed-up: the agent's parked leg is borrowed; the customer and then the leg are added
 *   to the mixing bridge (Asterisk moves the leg out of the holding bridge by itself).
 *
 * `connect()` resolves once Asterisk has accepted the requests (bridge, agent leg created and
 * dialled, or the parked leg added) and rejects if it refuses them (e.g. 500 for a phone that
 * is not registered). The connection is made when both channels have entered the bridge:
 * `connected` goes out; with recording on, `POST /bridges/{id}/record` follows. If the
 * agent's phone then fails (no answer, hung up before the bridge), the agent is announced
 * offline (out of rotation, checked again after `agentRetrySeconds`) and the customer stays
 * answered for another connect. If the customer leaves first, nothing is the agent's fault:
 * the call's `ended` says the rest. An agent hanging up a connected call ends the call.
 *
 * States: connecting → connected → released; connecting → failed | released.
 */
import type { AgentEntry, AgentPresence } from './agent-presence.ts';
import type { ChannelEvent } from './ari-events.ts';
import { isAriError } from './ari-http.ts';
import { errorText, postOnNewChannel, type DriverContext, type RouteListener } from './driver-context.ts';
import type { LegBorrower, NailedUpAgent } from './nailed-up-agent.ts';
import type { BridgeRecording } from './recording.ts';

/** The mixing bridge of one call. */
export class CallBridge {
  private id: string | null = null;
  private creating: Promise<string> | null = null;

  constructor(
    private readonly ctx: DriverContext,
    private readonly callId: string,
  ) {}

  get current(): string | null {
    return this.id;
  }

  /** The bridge found in Asterisk for a call another process connected (see CustomerLeg.recover). */
  adopt(id: string): void {
    this.id ??= id;
  }

  ensure(): Promise<string> {
    if (this.id) return Promise.resolve(this.id);
    this.creating ??= (async () => {
      const id = `${this.callId}-bridge`;
      const create = () => this.ctx.http.post('/bridges', { type: 'mixing', bridgeId: id, name: `ccs-call-${this.callId}` });
      try {
        await create().catch(async (error) => {
          // 409: a bridge of this call id outlived an earlier run of CCS (stopped mid-call,
          // its data reset while Asterisk kept running). Nothing else uses the id: replace it.
          if (!isAriError(error, 'conflict')) throw error;
          this.ctx.logger.warn({ callId: this.callId, bridgeId: id }, 'replacing a bridge left over from an earlier run');
          await this.ctx.http.delete(`/bridges/${encodeURIComponent(id)}`).catch((gone) => {
            if (!isAriError(gone, 'not-found')) throw gone;
          });
          await create();
        });
        this.id = id;
        return id;
      } finally {
        this.creating = null;
      }
    })();
    return this.creating;
  }

  async destroy(): Promise<void> {
    await this.creating?.catch(() => {});
    const id = this.id;
    this.id = null;
    if (!id) return;
    await this.ctx.http.delete(`/bridges/${encodeURIComponent(id)}`).catch((error) => {
      if (!isAriError(error, 'not-found')) this.ctx.logger.warn({ callId: this.callId, err: errorText(error) }, 'bridge not destroyed');
    });
  }
}

/** What a connection needs from the customer's leg. */
export interface ConnectionHost {
  readonly callId: string;
  readonly bridge: CallBridge;
  readonly recording: BridgeRecording;
  /** The customer is leaving (or gone). */
  isEnding(): boolean;
  /** The agent hung up a connected call: the call is over. */
  agentLeft(reason: string): void;
  /** This connection failed before the bridge was complete. */
  connectionFailed(connection: AgentConnection): void;
}

export class AgentConnection implements LegBorrower {
  private state: 'connecting' | 'connected' | 'failed' | 'released' = 'connecting';
  private agentLegId: string | null = null;
  private listener: RouteListener | null = null;
  private addRequested = false;
  private readonly inBridge = new Set<'customer' | 'agent'>();

  constructor(
    private readonly ctx: DriverContext,
    private readonly host: ConnectionHost,
    readonly entry: AgentEntry,
    private readonly presence: AgentPresence,
    private readonly record: boolean,
    private readonly nailedUp: NailedUpAgent | null,
    private readonly attempt: number,
  ) {}

  get agentCode(): string {
    return this.entry.ref.agentCode;
  }

  /** The agent's leg while agent and customer are connected, else null. */
  get connectedLeg(): string | null {
    return this.state === 'connected' ? this.agentLegId : null;
  }

  /** Resolves when Asterisk accepted the connection; rejects when it refused it. */
  async connect(): Promise<void> {
    try {
      const bridgeId = await this.host.bridge.ensure();
      if (this.state !== 'connecting') return;
      if (this.nailedUp) await this.moveNailedUp(bridgeId);
      else await this.dialAgent();
    } catch (error) {
      const reason = `agent ${this.agentCode} could not be connected: ${errorText(error)}`;
      if (!this.fail(reason)) return;
      throw new Error(reason);
    }
  }

  customerEntered(bridgeId: string): void {
    if (bridgeId !== this.host.bridge.current) return;
    this.inBridge.add('customer');
    this.check();
  }

  agentEntered(bridgeId: string): void {
    if (bridgeId !== this.host.bridge.current) return;
    this.inBridge.add('agent');
    this.check();
  }

  agentGone(reason: string): void {
    if (this.state === 'connecting') this.fail(`agent ${this.agentCode}: ${reason}`);
    else if (this.state === 'connected') {
      this.state = 'released';
      this.host.agentLeft(`agent ${this.agentCode}: ${reason}`);
    }
  }

  /** The customer is leaving: hang up the agent's phone (on-answer) or park it again. */
  async release(): Promise<void> {
    this.state = 'released';
    if (this.nailedUp) {
      if (this.agentLegId) await this.nailedUp.giveBack(this.host.bridge.current);
      return;
    }
    const legId = this.agentLegId;
    if (!legId) return;
    await this.ctx.http.delete(`/channels/${encodeURIComponent(legId)}`, { reason: 'normal' }).catch((error) => {
      if (!isAriError(error, 'not-found')) this.ctx.logger.warn({ callId: this.host.callId, err: errorText(error) }, 'agent leg not hung up');
    });
  }

  private async moveNailedUp(bridgeId: string): Promise<void> {
    const legId = this.nailedUp!.borrow(this);
    this.agentLegId = legId;
    const bridge = encodeURIComponent(bridgeId);
    await this.ctx.http.post(`/bridges/${bridge}/addChannel`, { channel: this.host.callId });
    await this.ctx.http.post(`/bridges/${bridge}/addChannel`, { channel: legId });
    if (this.record && this.state !== 'released') await this.host.recording.start(bridgeId);
  }

  private async dialAgent(): Promise<void> {
    const { config, http } = this.ctx;
    const callId = this.host.callId;
    const legId = this.attempt === 1 ? `${callId}-agent` : `${callId}-agent-${this.attempt}`;
    this.agentLegId = legId;
    this.listener = (event) => this.onAgentLegEvent(event as ChannelEvent);
    this.ctx.route(legId, this.listener);
    await http.post(
      '/channels/create',
      { endpoint: this.entry.endpoint, app: config.app, appArgs: `agent,${callId}`, channelId: legId, originator: callId },
      { variables: { CCS_CALL_ID: callId } },
    );
    await postOnNewChannel(this.ctx, legId, 'dial', { timeout: config.agentRingSeconds }, () => this.state !== 'connecting');
  }

  private onAgentLegEvent(event: ChannelEvent): void {
    switch (event.type) {
      case 'Dial':
        if (event.dialstatus === 'ANSWER') this.bridgeBoth();
        return;
      case 'ChannelStateChange':
        if (event.channel.state === 'Up') this.bridgeBoth();
        return;
      case 'ChannelEnteredBridge':
        this.agentEntered(event.bridge.id);
        return;
      case 'StasisEnd':
      case 'ChannelDestroyed':
        if (this.listener && this.agentLegId) this.ctx.unroute(this.agentLegId, this.listener);
        this.agentGone(event.type === 'ChannelDestroyed' ? `phone ended the call (${event.cause_txt})` : 'phone left');
        return;
      default:
        return;
    }
  }

  /** On-answer: the agent picked up; both channels go into the bridge together. */
  private bridgeBoth(): void {
    if (this.addRequested || this.state !== 'connecting' || !this.agentLegId) return;
    this.addRequested = true;
    const legId = this.agentLegId;
    (async () => {
      const bridgeId = await this.host.bridge.ensure();
      await this.ctx.http.post(`/bridges/${encodeURIComponent(bridgeId)}/addChannel`, { channel: `${this.host.callId},${legId}` });
      if (this.record && this.state !== 'released') await this.host.recording.start(bridgeId);
    })().catch((error) => this.fail(`agent ${this.agentCode} could not be bridged: ${errorText(error)}`));
  }

  private check(): void {
    if (this.state !== 'connecting' || !this.inBridge.has('customer') || !this.inBridge.has('agent')) return;
    this.state = 'connected';
    this.ctx.emit({ type: 'connected', callId: this.host.callId, agentCode: this.agentCode, at: this.ctx.clock.now() });
  }

  /** The agent could not be connected; returns false when that is not the agent's doing. */
  private fail(reason: string): boolean {
    if (this.state !== 'connecting') return false;
    // The customer left while the agent was being reached: not the agent's fault.
    if (this.host.isEnding()) return false;
    this.state = 'failed';
    this.ctx.logger.warn({ callId: this.host.callId, agentCode: this.agentCode, reason }, 'agent not connected');
    if (this.nailedUp) {
      if (this.agentLegId) void this.nailedUp.giveBack(this.host.bridge.current);
    } else if (this.agentLegId) {
      if (this.listener) this.ctx.unroute(this.agentLegId, this.listener);
      this.ctx.http.delete(`/channels/${encodeURIComponent(this.agentLegId)}`, { reason: 'normal' }).catch(() => {});
    }
    this.presence.unreachable(this.entry);
    this.host.connectionFailed(this);
    return true;
  }
}
