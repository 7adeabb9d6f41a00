/**
 * The campaign engine: lifecycle, dialer, call handling and reconciliation, over the ports.
 * The composition root builds one; the HTTP layer, the desktop and the simulation harness all
 * talk to this surface.
 */
import type { Pause, ShiftIntent, ShiftRefusal, ShiftStep } from '../domain/agent-shift.ts';
import type { AgentRef } from '../ports/telephony.ts';
import type { AgentStatus } from './agent-pool.ts';
import type { CallControlView, ControlAnswer, ControlIntent } from './call-controls.ts';
import { CallHandler } from './call-handler.ts';
import { CampaignLifecycle, type CloseResult } from './campaign-lifecycle.ts';
import { Dialer } from './dialer.ts';
import { EngineStoppedError, type WriteHealth } from './durable-writes.ts';
import { EngineContext, type EngineDeps } from './engine-context.ts';
import type { EngineEvents } from './engine-events.ts';
import type { LiveCall } from './live-calls.ts';
import { PlacementGuard } from './placement-guard.ts';
import type { AgentDialResult } from './agent-dial-result.ts';
import { ManualDial } from './manual-dial.ts';
import { PreviewOffers, type PreviewHooks, type PreviewOffer } from './preview-offers.ts';
import { Reconciler } from './reconciler.ts';
import { CallbackOffers } from './callback-offers.ts';
import { WrapUpDispositions } from './wrap-up-dispositions.ts';
import { CampaignControls } from './campaign-controls.ts';

/** The shift's answer to an agent's intent; `unknown-agent` when the agent is not on the floor. */
export type ShiftAnswer = { ok: true } | { ok: false; refusal: ShiftRefusal | 'unknown-agent' };

export interface Engine {
  readonly events: EngineEvents;
  start(): Promise<void>;
  /**
   * Stops dialling at once; with `graceMs`, hangs up the legs no customer has answered yet
   * and waits up to that long for the calls in progress to end and be reported. Calls still
   * up after that are left to the PBX; their attempts stay open in the store and the next
   * start adopts them.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  /** A campaign was stored: arm its timers. */
  campaignReceived(campaignId: number): Promise<void>;
  closeCampaign(campaignId: number): Promise<CloseResult>;
  agents(): AgentStatus[];
  liveCalls(): LiveCall[];
  /** One call in flight, by id (no copy of the others). */
  liveCall(callId: string): LiveCall | undefined;
  /** Resolves once an ended call's outcome is written (undefined: nothing of it pending). */
  endWritten(callId: string): Promise<void> | undefined;
  /** The leg placed for this agent alone (preview Call, manual dial) and not connected to it yet. */
  reservedLeg(agentCode: string): LiveCall | undefined;
  /** Puts an agent on the floor; `pause`: it starts paused (an agent returning after a restart). */
  signInAgent(agent: AgentRef, group?: string, options?: { pause?: Pause | null }): Promise<void>;
  /**
   * Takes the agent off the floor, unless its shift refuses (a call or its wrap-up is open);
   * `force` (the session behind a desktop expired) takes it off regardless.
   */
  signOutAgent(agentCode: string, options?: { force?: boolean }): Promise<ShiftAnswer>;
  /** Pauses now, or after the call in progress (src/domain/agent-shift.ts). */
  pauseAgent(agentCode: string, reason: string | null): ShiftAnswer;
  /** Ready again: ends wrap-up or a pause; during a call, cancels a pending pause. */
  readyAgent(agentCode: string): ShiftAnswer;
  /** Drops a pause asked for during the call, and nothing else (wrap-up goes on). */
  cancelPauseAfterCall(agentCode: string): ShiftAnswer;
  hangupCall(callId: string): Promise<void>;
  /** An agent's call control (hold, mute, DTMF, transfer, conference) on the call it has (call-controls.ts). */
  callControl(agentCode: string, intent: ControlIntent): Promise<ControlAnswer>;
  /** What a connected call's controls are now (held, muted, transfer), or null. */
  callControlView(callId: string): CallControlView | null;
  /** The live call this agent has the customer of or takes part in (a transfer's target), or null. */
  controlledCallOf(agentCode: string): string | null;
  /** Outside numbers a campaign's calls may be transferred to (its profile's prefixes; empty: none). */
  transferNumberPrefixes(campaignId: number): string[];
  /** The contact offered to this agent in a preview campaign, if any (preview-offers.ts). */
  previewOffer(agentCode: string): PreviewOffer | undefined;
  /** Calls the offered contact (compliance checked again); the customer goes to this agent only. */
  previewCall(agentCode: string): Promise<AgentDialResult>;
  /** Passes on the offered contact with a reason (one of SKIP_REASONS) and optional text. */
  previewSkip(agentCode: string, reason: unknown, note?: unknown): Promise<AgentDialResult>;
  /** A ready agent dials a number by hand, under the compliance checks (manual-dial.ts). */
  manualDial(agentCode: string, number: unknown): Promise<AgentDialResult>;
  /** Wrap-up dispositions and scheduled callbacks (wrap-up-dispositions.ts). */
  readonly dispositions: WrapUpDispositions;
  /** Supervisors' pause, resume, pacing overrides and agent moves (campaign-controls.ts). */
  readonly controls: CampaignControls;
  /** Whether the engine's store writes land, and the last failure (readiness). */
  storeWrites(): WriteHealth;
  /** Resolves when the engine has no queued work (tests and simulations). */
  idle(): Promise<void>;
  /**
   * The engine now dials this agent group (`dialsGroup` says yes): its unfinished campaigns are
   * loaded, the attempts left open by whoever dialed it before are adopted (and those the
   * telephony no longer has are ended with their last known state), timers armed, dialing on.
   */
  takeGroup(group: string): Promise<void>;
  /**
   * The engine no longer dials this group: its campaigns and calls leave memory at once, nothing
   * written; legs no customer has answered yet are hung up (the group's new dialer may call
   * those contacts again), conversations go on to their end.
   */
  dropGroup(group: string): void;
  /**
   * Looks at the stored campaigns again: received or closed elsewhere (campaign-lifecycle.ts
   * `sync`), and supervisors' controls (pauses, pacing overrides, agent moves) set elsewhere.
   */
  syncCampaigns(): Promise<void>;
}

export function createEngine(input: EngineDeps): Engine {
  // A leg the driver refuses gives its attempt back and pauses the dialer (placement-guard.ts).
  const placements = new PlacementGuard(input.clock);
  const deps: EngineDeps = { ...input, telephony: placements.guard(input.telephony) };
  const ctx = new EngineContext(deps);
  let dialer: Dialer;
  const lifecycle = new CampaignLifecycle(ctx, () => dialer.schedule());
  const dispositions = new WrapUpDispositions(ctx, deps.callbacks, {
    maybeFinish: (campaignId) => void lifecycle.maybeFinish(campaignId),
    // A disposition may have scheduled a callback: its campaign's next due callback is read again.
    schedule: () => {
      dialer.callbacks?.changed();
      dialer.schedule();
    },
    // A recorded code releases a wrap-up that owed it (its agent may now leave wrap-up).
    codeRecorded: (agentCode, callId) => void calls.shift(agentCode, { type: 'code-recorded', callId }, deps.clock.now()),
    endWritten: (callId): Promise<void> | undefined => calls.endWritten(callId),
    // After a transfer the disposition is given by the agent who had the customer last.
    handledBy: (callId): string | null => calls.controls.lastHandlerOf(callId),
  });
  // A call awaiting its disposition, or its recording before its outcome is written, holds the finish.
  ctx.finishHeld = (campaignId) => dispositions.holdsFinish(campaignId) || calls.holdsFinish(campaignId);
  const calls = new CallHandler(ctx, {
    capacityChanged: (group, agentFreed) => dialer.schedule(0, group, agentFreed ? 'freed' : 'changed'),
    callEnded: (campaignId) => void lifecycle.maybeFinish(campaignId),
    callEnding: (callId, campaignId, agentCode, endedAt) => dispositions.callEnding(callId, campaignId, agentCode, endedAt),
  });
  dialer = new Dialer(
    ctx,
    (callId, reason) => placements.refused(callId, reason),
    (campaignId) => void lifecycle.maybeFinish(campaignId),
  );
  placements.attach(ctx, {
    endAsFailed: (callId, cause, reason) => calls.endWithoutEvent(callId, cause, reason, 'now'),
    released: (campaignId) => {
      void lifecycle.maybeFinish(campaignId);
      dialer.schedule();
    },
  });
  const shift: PreviewHooks['shift'] = (agentCode, input, at, callId) => calls.shift(agentCode, input, at, callId);
  const previews = new PreviewOffers(ctx, { dialer, shift });
  dialer.previews = previews;
  if (deps.callbacks) dialer.callbacks = new CallbackOffers(ctx, deps.callbacks);
  const manual = new ManualDial(ctx, { dialer, previews, shift });
  const reconciler = new Reconciler(ctx, calls);
  const controls = new CampaignControls(ctx, deps.controlStore, () => dialer.schedule());
  let reconciling: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  /** Calls of a group this engine gave up, still up on its telephony: their end frees their agents here, nothing written. */
  const givenUp = new Set<string>();
  const freeAgentsOf = (callId: string, at: number) => {
    for (const agent of ctx.agents.all()) {
      if (agent.callId !== callId) continue;
      if (!calls.shift(agent.agentCode, { type: 'call-ended' }, at)?.ok) calls.shift(agent.agentCode, { type: 'bridge-failed' }, at);
      calls.shift(agent.agentCode, { type: 'wrap-up-timeout' }, at);
    }
    dialer.schedule();
  };
  const giveUp = (group: string) => {
    lifecycle.release(group);
    for (const call of ctx.live.all()) {
      if (call.manual || call.group !== group) continue;
      ctx.live.remove(call.callId);
      givenUp.add(call.callId);
      if (call.state === 'dialing' || call.state === 'ringing') {
        deps.telephony.hangup(call.callId).catch((error) => ctx.log({ callId: call.callId }).warn({ err: String(error) }, 'hang-up failed'));
      }
    }
  };
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  /** Group take-overs and campaign syncs, one at a time. */
  let groupWork: Promise<void> = Promise.resolve();
  const serially = (work: () => Promise<void>): Promise<void> => {
    const next = groupWork.then(async () => {
      await started;
      if (!stopping) await work();
    });
    groupWork = next.catch(() => {});
    return next;
  };

  /** A clean stop: no customer is left to answer into a stopping CCS; calls in progress get `graceMs` to end. */
  async function drain(graceMs: number): Promise<void> {
    for (const call of ctx.live.all()) {
      if (call.state !== 'dialing' && call.state !== 'ringing') continue;
      call.hangupRequested = true;
      deps.telephony.hangup(call.callId).catch((error) => ctx.log({ callId: call.callId }).warn({ err: String(error) }, 'hang-up failed'));
    }
    if (ctx.live.size > 0 || calls.holdsAnyEnd()) {
      deps.logger.info({ calls: ctx.live.size, graceSeconds: graceMs / 1000 }, 'stopping: waiting for the calls in progress to end');
      await new Promise<void>((resolve) => {
        let over = false;
        const timer = deps.clock.setTimer(graceMs, done);
        // Calls over whose recording is still being stored count too: their outcome is written once it is.
        const check = () => void (ctx.live.size === 0 && calls.endsWritten().then(done));
        const off = ctx.events.on('call:ended', check);
        check();
        function done() {
          if (over) return;
          over = true;
          timer.cancel();
          off();
          resolve();
        }
      });
    }
    // Past the grace a recording still being retried is given up: its call's outcome is written without the link.
    calls.abandonRecordingWaits();
    await ctx.queue.idle();
    if (ctx.live.size > 0) deps.logger.warn({ calls: ctx.live.size }, 'stopping with calls still up: their attempts stay open and are adopted at the next start');
  }

  ctx.events.on('driver:state', ({ state }) => {
    if (state === 'up') {
      reconciling = reconciler.reconcileWithDriver().then(() => dialer.schedule());
    }
  });

  const answerOf = (step: ShiftStep | undefined): ShiftAnswer => (!step ? { ok: false, refusal: 'unknown-agent' } : step.ok ? { ok: true } : { ok: false, refusal: step.refusal });
  const intent = (agentCode: string, input: ShiftIntent) => answerOf(calls.shift(agentCode, input, deps.clock.now()));
  // Agents signed in whose phone has not reported yet (the presence event follows the sign-in):
  // a pause or ready in that gap is kept for the phone's first report instead of refused.
  const awaitingPhone = new Set<string>();
  const beforePhone = (agentCode: string, pause: Pause | null): ShiftAnswer | undefined => {
    if (ctx.agents.get(agentCode) || !awaitingPhone.has(agentCode)) return undefined;
    if (pause) ctx.agents.startPaused(agentCode, pause);
    else ctx.agents.clearStartPause(agentCode);
    return { ok: true };
  };

  return {
    events: ctx.events,

    async start() {
      // Order matters: campaigns are loaded, the attempts the last run left open are adopted
      // and reconciled, and only then can a campaign finish (timers, a stopping campaign's
      // finish): its finish then counts those calls and follows their updates.
      await lifecycle.load();
      await controls.load();
      const adopted = await reconciler.adoptOpenAttempts((group) => deps.dialsGroup?.(group) ?? true);
      await deps.telephony.start((event) => {
        if (event.type === 'ended' && givenUp.delete(event.callId)) freeAgentsOf(event.callId, event.at);
        calls.handle(event);
      });
      if (adopted > 0) await reconciler.reconcileWithDriver();
      await manual.closeLeftOpen();
      await ctx.queue.idle();
      lifecycle.arm();
      for (const agent of deps.settings.agents) {
        await deps.telephony.signInAgent(agent).catch((error) => deps.logger.warn({ agentCode: agent.agentCode, err: String(error) }, 'agent sign-in failed'));
      }
      dialer.schedule();
      markStarted();
    },

    stop(options = {}) {
      stopping ??= (async () => {
        dialer.stop();
        previews.stop();
        placements.stop();
        if ((options.graceMs ?? 0) > 0) await drain(options.graceMs!);
        lifecycle.stopAll();
        calls.stop();
        // Writes still being retried give up: their calls stay open in the store for the next start.
        ctx.writes.stop();
        await ctx.queue.idle();
        await deps.telephony.stop();
      })();
      return stopping;
    },

    campaignReceived: (id) => lifecycle.received(id),
    closeCampaign: (id) => lifecycle.close(id),
    agents: () => ctx.agents.all(),
    liveCalls: () => ctx.live.all(),
    liveCall: (callId) => ctx.live.get(callId),
    endWritten: (callId) => calls.endWritten(callId),
    reservedLeg: (agentCode) => ctx.live.reservedLeg(agentCode),

    async signInAgent(agent, group, options = {}) {
      if (group) ctx.setAgentGroup(agent.agentCode, group);
      // Set before the phone's presence arrives, so no customer is routed in between.
      if (options.pause && ctx.agents.get(agent.agentCode)) calls.shift(agent.agentCode, { type: 'pause', reason: options.pause.reason }, deps.clock.now());
      else if (options.pause) ctx.agents.startPaused(agent.agentCode, options.pause);
      if (!ctx.agents.get(agent.agentCode)) awaitingPhone.add(agent.agentCode);
      await deps.telephony.signInAgent(agent);
    },

    async signOutAgent(agentCode, options = {}) {
      // An offered contact is no call yet: it goes back to the queue.
      previews.withdraw(agentCode, 'agent signing out');
      const known = ctx.agents.get(agentCode);
      if (known && !options.force) {
        const answer = answerOf(calls.shift(agentCode, { type: 'sign-out' }, deps.clock.now()));
        if (!answer.ok) return answer;
      }
      await deps.telephony.signOutAgent(agentCode);
      awaitingPhone.delete(agentCode);
      ctx.agents.remove(agentCode);
      ctx.events.emit('agent:state', { agentCode, activity: 'idle', at: deps.clock.now() });
      return { ok: true };
    },

    pauseAgent: (agentCode, reason) => beforePhone(agentCode, { reason }) ?? intent(agentCode, { type: 'pause', reason }),
    readyAgent: (agentCode) => beforePhone(agentCode, null) ?? intent(agentCode, { type: 'ready' }),
    cancelPauseAfterCall: (agentCode) => intent(agentCode, { type: 'cancel-pause-after-call' }),

    async hangupCall(callId) {
      await deps.telephony.hangup(callId);
    },

    callControl: (agentCode, intent) => calls.controls.act(agentCode, intent),
    callControlView: (callId) => calls.controls.view(callId),
    controlledCallOf: (agentCode) => calls.controls.callOf(agentCode),
    transferNumberPrefixes: (campaignId) => {
      const campaign = ctx.campaigns.get(campaignId);
      return campaign ? (ctx.profileOf(campaign).transferNumberPrefixes ?? []) : [];
    },

    dispositions,
    controls,
    previewOffer: (agentCode) => previews.get(agentCode),
    previewCall: (agentCode) => previews.call(agentCode),
    previewSkip: (agentCode, reason, note) => previews.skip(agentCode, reason, note),
    manualDial: (agentCode, number) => manual.dial(agentCode, number),

    storeWrites: () => ctx.writes.health(),

    async idle() {
      await reconciling;
      await ctx.queue.idle();
    },

    takeGroup: (group) =>
      serially(async () => {
        const holds = () => !deps.dialsGroup || deps.dialsGroup(group);
        if (!holds()) return;
        // Retried until the store answers (it may be just back from the outage that cost the
        // lease) or the group is lost again: a group is never dialled with its open attempts
        // left unadopted, which nothing would end. Loading and adopting skip what they have.
        let adopted = 0;
        try {
          await ctx.writes.run(
            'agent group take-up',
            async () => {
              if (!holds()) return;
              await lifecycle.load(group);
              adopted += await reconciler.adoptOpenAttempts((g) => g === group);
            },
            { group },
          );
        } catch (error) {
          if (error instanceof EngineStoppedError) return;
          throw error;
        }
        for (const call of ctx.live.all()) givenUp.delete(call.callId);
        if (adopted > 0) {
          deps.logger.info({ group, calls: adopted }, 'agent group taken over: adopting its open calls');
          await reconciler.reconcileWithDriver();
        }
        await ctx.queue.idle();
        // Lost again while it was being taken up: nothing of it stays.
        if (deps.dialsGroup && !deps.dialsGroup(group)) return giveUp(group);
        lifecycle.arm();
        dialer.schedule();
      }),

    dropGroup: (group) => giveUp(group),

    syncCampaigns: () =>
      serially(async () => {
        await controls.load();
        await lifecycle.sync();
        dialer.schedule();
      }),
  };
}
