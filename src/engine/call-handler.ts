/**
 * Turns telephony events into attempt state, agent state and CRM reports.
 *
 * Per call (events for one call are handled one at a time, in order):
 *   ringing → answered → (an agent is free: connect | none: wait ≤ hold limit, then abandon)
 *   → connected → ended. `ended` is final: the disposition is derived from what the call went
 *   through, the contact is moved on (final or retry) and its updateCampaign written in one
 *   transaction. Late or repeated events for an ended call are ignored.
 *
 * Store writes are retried until they land (durable-writes.ts) and go through one write queue
 * per call, so they land in event order. Progress writes do not hold up the call itself (a
 * customer who answers during a database outage still gets an agent or the hold clock); the
 * end is written before the call leaves the live set, so a call is live until its outcome
 * and its updateCampaign are stored.
 */
import { contactAfterAttempt } from '../domain/attempt-outcome.ts';
import { updateCampaignPayload } from '../domain/callbacks.ts';
import { dispositionOf, type HangupCause, type ReportedStatus } from '../domain/disposition.ts';
import type { ShiftInput, ShiftStep } from '../domain/agent-shift.ts';
import { isLeaseLost } from '../ports/coordination.ts';
import type { RecordingOutcome, TelephonyEvent } from '../ports/telephony.ts';
import type { AttemptProgress } from '../ports/store.ts';
import type { AgentStatus } from './agent-pool.ts';
import { CallControlBook } from './call-controls.ts';
import { EngineStoppedError } from './durable-writes.ts';
import type { EngineContext } from './engine-context.ts';
import type { LiveCall } from './live-calls.ts';

export interface CallHandlerHooks {
  /** Room for calls may have been freed: in `group` only when given; `agentFreed`: an agent of it became free. */
  capacityChanged(group?: string, agentFreed?: boolean): void;
  callEnded(campaignId: number): void;
  /** A connected call is ending: the wrap-up limit when its agent will give it a disposition (and whether one is required), else null. */
  callEnding?(callId: string, campaignId: number, agentCode: string, endedAt: number): { until: number; required: boolean } | null;
}

/**
 * Safety bound on waiting for a recording reported as still being stored; the store's own
 * bound (60 s, src/recordings/retrying-recording-store.ts) normally ends the wait first.
 */
export const RECORDING_WAIT_LIMIT_MS = 90_000;

export class CallHandler {
  private wrapTimers = new Map<string, { cancel(): void }>();
  /**
   * Calls over whose outcome is not written yet (queued behind the store, or waiting for their
   * recording): they hold their campaign's finish, counted per campaign so that asking costs no scan.
   */
  private endsPending = new Map<string, { campaignId: number; written: Promise<void> }>();
  private endsPendingPerCampaign = new Map<number, number>();
  /** Ends the waits for recordings (a stop): each call's outcome is then written without its link. */
  private recordingWaits = new Set<() => void>();
  /** Hold, mute, transfer and conference on connected calls (call-controls.ts). */
  readonly controls: CallControlBook;

  constructor(
    private ctx: EngineContext,
    private hooks: CallHandlerHooks,
  ) {
    this.controls = new CallControlBook(ctx, {
      shift: (agentCode, input, at, callId) => this.shift(agentCode, input, at, callId),
      wrapUp: (agentCode, at) => {
        const agent = this.ctx.agents.get(agentCode);
        if (agent) this.startWrapUp(agent, at);
      },
      changed: (callId, agentCodes) => this.ctx.events.emit('call:control', { callId, agentCodes, at: this.ctx.deps.clock.now() }),
    });
  }

  handle(event: TelephonyEvent): void {
    switch (event.type) {
      case 'ringing':
      case 'answered':
      case 'connected':
      case 'ended':
        void this.ctx.queue.run(`call:${event.callId}`, () => this.onCallEvent(event)).catch((error) => this.eventFailed(event.callId, event.type, error));
        return;
      case 'held':
      case 'resumed':
      case 'muted':
      case 'unmuted':
      case 'consult':
      case 'transferred':
      case 'conference':
        // In the call's order: after its `connected`, before its `ended`.
        void this.ctx.queue.run(`call:${event.callId}`, async () => this.controls.onEvent(event)).catch((error) => this.eventFailed(event.callId, event.type, error));
        return;
      case 'agent':
        this.onAgent(event);
        return;
      case 'driver':
        this.ctx.events.emit('driver:state', { state: event.state, ...(event.reason ? { reason: event.reason } : {}) });
        return;
    }
  }

  private eventFailed(callId: string, what: string, error: unknown): void {
    if (error instanceof EngineStoppedError) {
      this.ctx.log({ callId }).info({ event: what }, 'engine stopped before the call event was stored: the next start reconciles the call');
      return;
    }
    if (isLeaseLost(error)) {
      this.ctx.log({ callId }).warn({ event: what }, 'agent group lost before the call event was stored: the node holding it reports the call');
      return;
    }
    this.ctx.log({ callId }).error({ err: String((error as Error)?.stack ?? error), event: what }, 'call event failed');
  }

  /** Queues a progress write behind the call's earlier writes; retried until it lands. */
  private writeProgress(call: LiveCall, progress: AttemptProgress): void {
    if (call.manual) return; // a manual call's row is written once, at its end
    void this.ctx.queue
      .run(`write:${call.callId}`, () =>
        this.ctx.writes.run(`call ${progress.state}`, () => this.ctx.deps.store.progressAttempt(call.callId, progress), { callId: call.callId }),
      )
      .catch((error) => this.eventFailed(call.callId, progress.state, error));
  }

  private async onCallEvent(event: Extract<TelephonyEvent, { callId: string }>): Promise<void> {
    const call = this.ctx.live.get(event.callId);
    if (!call) return; // ended already, or not ours
    switch (event.type) {
      case 'ringing':
        if (call.state !== 'dialing') return;
        call.state = 'ringing';
        call.ringingAt = event.at;
        this.writeProgress(call, { state: 'ringing', at: event.at });
        this.ctx.events.emit('call:ringing', { callId: call.callId, campaignId: call.campaignId, at: event.at });
        return;
      case 'answered':
        if (call.answeredAt !== null) return;
        call.state = 'answered';
        call.answeredAt = event.at;
        this.writeProgress(call, { state: 'answered', at: event.at });
        this.ctx.events.emit('call:answered', { callId: call.callId, campaignId: call.campaignId, at: event.at });
        this.connectOrHold(call);
        return;
      case 'connected':
        return this.onConnected(call, event.agentCode, event.at);
      case 'ended':
        return this.onEnded(call, event.cause, event.at, event.detail ?? null, event.recording, event.recordingLater);
    }
  }

  /** Gives an answered customer an agent now, or starts the hold clock (the 2-second rule). */
  private connectOrHold(call: LiveCall): void {
    // A preview or manual call goes to the agent who placed it, or to no one.
    const agent = call.reservedFor !== undefined ? this.reservedAgent(call) : this.ctx.agents.pick(call.group, this.eligibleFor(call.callId));
    if (agent) {
      this.connect(call, agent);
      return;
    }
    const { clock, settings } = this.ctx.deps;
    call.waitingSince = clock.now();
    clock.setTimer(settings.abandonHoldSeconds * 1000, () => {
      void this.ctx.queue.run(`call:${call.callId}`, async () => {
        if (call.waitingSince === null || !this.ctx.live.get(call.callId)) return;
        call.waitingSince = null;
        this.ctx.log({ callId: call.callId, campaignId: call.campaignId }).info('no agent within the hold limit: abandoning');
        await this.ctx.deps.telephony.abandonCall(call.callId).catch((error) =>
          this.ctx.log({ callId: call.callId }).warn({ err: String(error) }, 'abandon failed'),
        );
      });
    });
  }

  /** The agent a reserved call was placed for, while its phone is up and it waits for this call. */
  private reservedAgent(call: LiveCall): AgentStatus | undefined {
    const agent = this.ctx.agents.get(call.reservedFor!);
    return agent && agent.online && agent.shift.state === 'reserved' && agent.callId === call.callId ? agent : undefined;
  }

  /** Which agents the driver can bridge to the call (a driver over several PBXs); undefined: any. */
  private eligibleFor(callId: string): ((agent: AgentStatus) => boolean) | undefined {
    const { telephony } = this.ctx.deps;
    if (!telephony.canConnect) return undefined;
    return (agent) => telephony.canConnect!(callId, agent.agentCode);
  }

  private connect(call: LiveCall, agent: AgentStatus): void {
    const { clock, telephony, settings } = this.ctx.deps;
    call.waitingSince = null;
    call.agentCode = agent.agentCode;
    call.stationId = agent.stationId;
    this.shift(agent.agentCode, { type: 'reserve' }, clock.now(), call.callId);
    const ref = { agentCode: agent.agentCode, stationId: agent.stationId, ...(agent.endpoint ? { endpoint: agent.endpoint } : {}) };
    telephony.connectAgent(call.callId, ref, { record: settings.record }).catch((error) => {
      void this.ctx.queue.run(`call:${call.callId}`, async () => {
        // The customer hung up meanwhile (the call's end, handled first, already freed the
        // agent), or the bridge came up after all: the failure says nothing about the agent.
        if (!this.ctx.live.get(call.callId) || call.connectedAt !== null) {
          this.ctx.log({ callId: call.callId, agentCode: agent.agentCode }).info({ err: String(error) }, 'agent not connected: the call had already ended');
          return;
        }
        this.ctx.log({ callId: call.callId, agentCode: agent.agentCode }).warn({ err: String(error) }, 'agent could not be connected; taking the agent out of rotation');
        // An agent whose phone cannot be reached is out of rotation until its presence returns.
        this.shift(agent.agentCode, { type: 'phone-offline' }, clock.now());
        call.agentCode = null;
        call.stationId = null;
        this.connectOrHold(call);
      });
    });
  }

  private async onConnected(call: LiveCall, agentCode: string, at: number): Promise<void> {
    if (call.connectedAt !== null) return;
    const agent = this.ctx.agents.get(agentCode);
    call.state = 'connected';
    call.connectedAt = at;
    call.waitingSince = null;
    call.agentCode = agentCode;
    call.stationId = agent?.stationId ?? call.stationId;
    this.shift(agentCode, { type: 'connect' }, at, call.callId);
    this.controls.connected(call, agentCode);
    this.writeProgress(call, { state: 'connected', at, agentCode, ...(call.stationId ? { stationId: call.stationId } : {}) });
    this.ctx.log({ callId: call.callId, campaignId: call.campaignId, contactId: call.contactId }).info({ agentCode }, 'call connected to agent');
    this.ctx.events.emit('call:connected', { callId: call.callId, campaignId: call.campaignId, contactId: call.contactId, agentCode, at });
  }

  /** Ends a call the engine itself knows is over (placement failed, lost in a restart). */
  endWithoutEvent(callId: string, cause: HangupCause, detail: string, endAt: 'now' | 'last-known'): void {
    void this.ctx.queue.run(`call:${callId}`, async () => {
      const call = this.ctx.live.get(callId);
      if (!call) return;
      const at = endAt === 'now' ? Math.max(this.lastKnown(call), this.ctx.deps.clock.now()) : this.lastKnown(call);
      await this.onEnded(call, cause, at, detail, undefined);
    }).catch((error) => this.eventFailed(callId, 'ended', error));
  }

  private lastKnown(call: LiveCall): number {
    return Math.max(call.startedAt, call.ringingAt ?? 0, call.answeredAt ?? 0, call.connectedAt ?? 0);
  }

  private async onEnded(
    call: LiveCall,
    cause: HangupCause,
    at: number,
    detail: string | null,
    recording: Extract<TelephonyEvent, { type: 'ended' }>['recording'],
    recordingLater?: Promise<NonNullable<typeof recording>>,
  ): Promise<void> {
    // Before any await: a customer who has hung up is no longer waiting, so an agent freed
    // while this call is being written is not offered to them (which would fail and take
    // the agent out of rotation).
    call.waitingSince = null;
    if (call.manual) return this.onManualEnded(call, cause, at, detail);
    const { store, settings, recordingUrl } = this.ctx.deps;
    const campaign = this.ctx.campaigns.get(call.campaignId);
    const profile = campaign
      ? this.ctx.profileOf(campaign)
      : await this.ctx.writes.run('read campaign', async () => this.ctx.profileOf({ typeId: (await store.getCampaign(call.campaignId))?.typeId ?? null }), { callId: call.callId });
    const connected = call.connectedAt !== null;
    const status: ReportedStatus = dispositionOf({ answered: call.answeredAt !== null, connectedToAgent: connected, cause });
    const endedAt = Math.max(at, call.startedAt);
    // After a transfer the disposition is the last handler's (an outside number gives none).
    const controlled = this.controls.ended(call.callId, endedAt);
    const handler = controlled ? controlled.handler : call.agentCode;
    const awaiting = connected && handler ? (this.hooks.callEnding?.(call.callId, call.campaignId, handler, endedAt) ?? null) : null;
    const agentCode = connected ? call.agentCode : null;
    // The call is over on the floor: it leaves the live set, its agent goes to wrap-up and its
    // group's pacing counts it no more, now. Only its outcome and update wait (for the store,
    // and for the recording while it is being stored); its contact stays `dialing` in the store
    // until then, so it is not dialled again, and the campaign's finish waits for the write.
    const written = this.holdEnd(call);
    this.leave(call, status, agentCode, endedAt, awaiting, controlled);
    this.hooks.capacityChanged(call.group);
    if (recordingLater) recording = await this.boundedRecording(call.callId, recordingLater);
    let recordingKey: string | null = null;
    if (recording?.status === 'saved') recordingKey = recording.key;
    else if (connected && settings.record) {
      this.ctx.log({ callId: call.callId }).warn({ reason: recording?.reason ?? 'no recording reported' }, 'answered call has no recording');
    }
    const payload = updateCampaignPayload(
      { campaignId: call.campaignId, contactId: call.contactId, phoneNumber: call.phoneNumber },
      {
        callId: call.callId,
        status,
        startedAt: call.startedAt,
        answeredAt: call.answeredAt,
        endedAt,
        agentCode: call.agentCode,
        stationId: call.stationId,
      },
      recordingKey ? recordingUrl(recordingKey, endedAt) : null,
      settings.timeZone,
    );
    const end = {
      callId: call.callId,
      status,
      endedAt,
      answeredAt: call.answeredAt,
      agentCode: connected ? call.agentCode : null,
      stationId: connected ? call.stationId : null,
      cause: detail ? `${cause}: ${detail}` : cause,
      recordingKey,
      contact: contactAfterAttempt(status, call.attemptNo, profile.retry, endedAt),
      callback: payload,
      // With the extra fields the update waits for the disposition; without, only the campaign's finish does.
      ...deliverAfter(settings.crmExtraFields ? (awaiting?.until ?? null) : null),
      ...(controlled && controlled.holdMs > 0 ? { holdMs: controlled.holdMs } : {}),
    };
    // After the call's progress writes; until it lands, its campaign's finish and its contact
    // wait for it, however long the store is down. Refused for good (LeaseLostError): this node lost the call's agent group while the write
    // waited, and the node holding it now reports the attempt from the store.
    try {
      await this.ctx.queue.run(`write:${call.callId}`, () => this.ctx.writes.run('call end', () => store.endAttempt(end), { callId: call.callId }));
    } finally {
      written();
    }
    this.ctx.log({ callId: call.callId, campaignId: call.campaignId, contactId: call.contactId }).info(
      { status, cause, duration: payload.duration, ringtime: payload.ringtime, agentCode: payload.agentcode },
      'call ended',
    );
    this.ctx.deps.onCallbackQueued();
    this.hooks.callEnded(call.campaignId);
  }

  /** Marks a call's outcome as not yet written; the function returned says it is (or never will be). */
  private holdEnd(call: LiveCall): () => void {
    let resolve: () => void = () => {};
    const written = new Promise<void>((r) => (resolve = r));
    this.endsPending.set(call.callId, { campaignId: call.campaignId, written });
    this.endsPendingPerCampaign.set(call.campaignId, (this.endsPendingPerCampaign.get(call.campaignId) ?? 0) + 1);
    return () => {
      if (!this.endsPending.delete(call.callId)) return;
      const left = (this.endsPendingPerCampaign.get(call.campaignId) ?? 1) - 1;
      if (left > 0) this.endsPendingPerCampaign.set(call.campaignId, left);
      else this.endsPendingPerCampaign.delete(call.campaignId);
      resolve();
    };
  }

  /** The call leaves the live set and its agent goes to wrap-up (or is freed). */
  private leave(
    call: LiveCall,
    status: ReportedStatus,
    agentCode: string | null,
    endedAt: number,
    awaiting: { required: boolean } | null,
    controlled: ReturnType<CallControlBook['ended']> = null,
  ): void {
    const connected = call.connectedAt !== null;
    call.state = 'ended';
    call.waitingSince = null;
    this.ctx.live.remove(call.callId);
    this.ctx.events.emit('call:ended', {
      callId: call.callId,
      campaignId: call.campaignId,
      contactId: call.contactId,
      status,
      agentCode,
      at: endedAt,
      waitedMs: connected && call.answeredAt !== null ? call.connectedAt! - call.answeredAt : null,
      ...(controlled && controlled.holdMs > 0 ? { holdMs: controlled.holdMs } : {}),
    });
    this.releaseParties(call, connected, endedAt, controlled, awaiting?.required ? call.callId : undefined);
  }

  /**
   * Every agent on an ended call leaves it: the first agent (unless a transfer took it off
   * already), a transfer's target and a party still in conference go to wrap-up; the
   * disposition, if one is owed, is the last handler's.
   */
  private releaseParties(call: LiveCall, connected: boolean, endedAt: number, controlled: ReturnType<CallControlBook['ended']>, codeOwed?: string): void {
    if (!controlled || controlled.handler === call.agentCode) this.releaseAgent(call, connected, endedAt, codeOwed);
    else this.releaseAgent(call, connected, endedAt);
    for (const code of new Set([controlled?.handler, ...(controlled?.others ?? [])])) {
      if (!code || code === call.agentCode) continue;
      const agent = this.ctx.agents.get(code);
      if (agent && agent.callId === call.callId) this.startWrapUp(agent, endedAt, code === controlled?.handler ? codeOwed : undefined);
    }
  }

  /** The recording's outcome, or a failure once the safety bound has passed. */
  private boundedRecording(callId: string, later: Promise<RecordingOutcome>): Promise<RecordingOutcome> {
    let timer: { cancel(): void } | undefined;
    let abandon: () => void = () => {};
    const limit = new Promise<RecordingOutcome>((resolve) => {
      timer = this.ctx.deps.clock.setTimer(RECORDING_WAIT_LIMIT_MS, () => resolve({ status: 'failed', reason: 'recording not stored in time' }));
      abandon = () => resolve({ status: 'failed', reason: 'the service stopped before the recording was stored' });
    });
    this.recordingWaits.add(abandon);
    const outcome = later.catch((error): RecordingOutcome => ({ status: 'failed', reason: String((error as Error)?.message ?? error) }));
    return Promise.race([outcome, limit]).finally(() => {
      timer?.cancel();
      this.recordingWaits.delete(abandon);
    });
  }

  /** Resolves once every ended call's outcome is written (or refused for good). */
  async endsWritten(): Promise<void> {
    for (let i = 0; i < 10_000 && this.endsPending.size > 0; i++) await Promise.all([...this.endsPending.values()].map((p) => p.written));
  }

  /** Stops waiting for recordings still being stored (a stop past its grace). */
  abandonRecordingWaits(): void {
    for (const abandon of [...this.recordingWaits]) abandon();
  }

  /** Resolves once the outcome of an ended call is written (undefined: none pending). */
  endWritten(callId: string): Promise<void> | undefined {
    return this.endsPending.get(callId)?.written;
  }

  /** Whether any ended call's outcome is not written yet. */
  holdsAnyEnd(): boolean {
    return this.endsPending.size > 0;
  }

  /** Whether a call of this campaign is over and its outcome not written yet. */
  holdsFinish(campaignId: number): boolean {
    return this.endsPendingPerCampaign.has(campaignId);
  }

  /** The agent of an ended call (or the one a preview or manual call was placed for): wrap-up after a conversation, otherwise free again. */
  private releaseAgent(call: LiveCall, connected: boolean, endedAt: number, codeRequiredFor?: string): void {
    const code = call.agentCode ?? call.reservedFor;
    if (!code) return;
    const agent = this.ctx.agents.get(code);
    if (!agent || agent.callId !== call.callId) return;
    if (connected) this.startWrapUp(agent, endedAt, codeRequiredFor);
    else this.shift(agent.agentCode, { type: 'bridge-failed' }, endedAt);
  }

  /** A manual call ended: its row in the manual-call log; no campaign attempt, no CRM report. */
  private async onManualEnded(call: LiveCall, cause: HangupCause, at: number, detail: string | null): Promise<void> {
    const connected = call.connectedAt !== null;
    const status: ReportedStatus = dispositionOf({ answered: call.answeredAt !== null, connectedToAgent: connected, cause });
    const endedAt = Math.max(at, call.startedAt);
    const log = this.ctx.deps.manualCalls;
    const end = { callId: call.callId, status, endedAt, answeredAt: call.answeredAt, connectedAt: call.connectedAt, cause: detail ? `${cause}: ${detail}` : cause };
    if (log) await this.ctx.queue.run(`write:${call.callId}`, () => this.ctx.writes.run('manual call end', () => log.end(end), { callId: call.callId }));
    call.state = 'ended';
    this.ctx.live.remove(call.callId);
    this.ctx.log({ callId: call.callId, agentCode: call.reservedFor }).info({ status, cause }, 'manual call ended');
    this.ctx.events.emit('call:ended', { callId: call.callId, campaignId: 0, contactId: 0, status, agentCode: connected ? call.agentCode : null, at: endedAt, waitedMs: null });
    this.releaseParties(call, connected, endedAt, this.controls.ended(call.callId, endedAt));
    this.hooks.capacityChanged(call.group);
  }

  private startWrapUp(agent: AgentStatus, at: number, codeRequiredFor?: string): void {
    const { clock, settings } = this.ctx.deps;
    if (!this.shift(agent.agentCode, { type: 'call-ended', ...(codeRequiredFor ? { codeRequiredFor } : {}) }, at)?.ok) return;
    const seconds = agent.autoWrapUpSeconds ?? settings.maxWrapUpSeconds;
    agent.wrapUpEndsAt = at + seconds * 1000;
    this.wrapTimers.get(agent.agentCode)?.cancel();
    this.wrapTimers.set(
      agent.agentCode,
      clock.setTimer(seconds * 1000, () => {
        this.wrapTimers.delete(agent.agentCode);
        const owed = agent.shift.codeDueFor;
        // The limit ends wrap-up anyway: the call keeps no code (the attempt's disposition stays empty).
        if (this.shift(agent.agentCode, { type: 'wrap-up-timeout' }, clock.now())?.ok && owed) {
          this.ctx.log({ callId: owed, agentCode: agent.agentCode }).warn('wrap-up time limit reached without the required disposition: the call keeps no code');
        }
      }),
    );
  }

  /**
   * Moves an agent's shift (src/domain/agent-shift.ts) and tells everyone when it changed: a
   * wrap-up left early cancels its timer, an agent made ready takes a waiting customer.
   */
  shift(agentCode: string, input: ShiftInput, at: number, callId?: string): ShiftStep | undefined {
    const before = this.ctx.agents.get(agentCode)?.shift;
    const step = this.ctx.agents.apply(agentCode, input, at, callId);
    if (!step?.ok || !before) return step;
    const agent = this.ctx.agents.get(agentCode)!;
    const after = step.shift;
    if (before.state === 'wrap-up' && after.state !== 'wrap-up') {
      this.wrapTimers.get(agentCode)?.cancel();
      this.wrapTimers.delete(agentCode);
    }
    if (JSON.stringify(after) !== JSON.stringify(before)) this.ctx.events.emit('agent:state', { agentCode, activity: agent.activity, at });
    if (after.state === 'ready' && before.state !== 'ready') this.agentFreed(agent.group);
    return step;
  }

  /** An agent became available: first the customers already waiting, then new calls. */
  agentFreed(group: string): void {
    for (const call of this.ctx.live.waiting(group)) {
      if (call.reservedFor !== undefined) continue; // waits for its own agent only
      const eligible = this.eligibleFor(call.callId);
      const agent = this.ctx.agents.pick(group, eligible);
      if (!agent) {
        if (eligible) continue; // none on this call's PBX; a call on another may have one
        break;
      }
      this.connect(call, agent);
    }
    this.hooks.capacityChanged(group, true);
  }

  private onAgent(event: Extract<TelephonyEvent, { type: 'agent' }>): void {
    const now = this.ctx.deps.clock.now();
    const known = this.ctx.agents.get(event.agentCode);
    // The phone of an agent being bridged went away: its customer gets another agent or the hold.
    const bridging = event.presence === 'offline' && known?.shift.state === 'reserved' ? known.callId : null;
    const agent = this.ctx.agents.upsertPresence(
      { agentCode: event.agentCode, stationId: event.stationId },
      event.presence === 'online',
      event.autoWrapUpSeconds ?? null,
      now,
    );
    this.ctx.log({ agentCode: event.agentCode }).info({ presence: event.presence }, 'agent presence');
    if (bridging) {
      void this.ctx.queue.run(`call:${bridging}`, async () => {
        const call = this.ctx.live.get(bridging);
        if (!call || call.connectedAt !== null || call.agentCode !== agent.agentCode) return;
        call.agentCode = null;
        call.stationId = null;
        this.connectOrHold(call);
      });
    }
    this.ctx.events.emit('agent:state', { agentCode: agent.agentCode, activity: agent.activity, at: now });
    if (event.presence === 'online') this.agentFreed(agent.group);
  }

  stop(): void {
    this.abandonRecordingWaits();
    for (const t of this.wrapTimers.values()) t.cancel();
    this.wrapTimers.clear();
  }
}

/** An update held for its disposition is first due at the wrap-up limit (it is released earlier when the disposition comes). */
function deliverAfter(until: number | null): { deliverAfter?: number } {
  return until === null ? {} : { deliverAfter: until };
}
