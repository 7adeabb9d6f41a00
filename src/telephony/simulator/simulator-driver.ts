/**
 * The simulated call floor: a TelephonyDriver with virtual agents and customers whose
 * behaviour is drawn from a seeded PRNG. It is the embedded default for trying the service
 * without a PBX, and with a VirtualClock it runs hours of calling per second for tests and
 * benchmarks.
 *
 * The floor is either stopped, up (accepting commands) or down (after `crash()`, until it
 * comes back). No event goes out inside the command that caused it: events follow clock
 * timers. Events carry the clock's time of the moment they happened; an `ended` with a
 * recording goes out once the recording is stored (`whenIdle()` waits for those saves).
 */
import type { HangupCause } from '../../domain/disposition.ts';
import type { Clock, TimerHandle } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingStore } from '../../ports/recording-store.ts';
import type {
  PlaceCallRequest,
  RecordingOutcome,
  TelephonyDriver,
  TelephonyEvent,
  TelephonyHealth,
  TelephonyListener,
} from '../../ports/telephony.ts';
import { toneWavStream } from '../../recordings/wav.ts';
import { AgentRoster } from './agent-roster.ts';
import { drawCallPlan } from './customer-behaviour.ts';
import { FloorControls } from './floor-controls.ts';
import { createRandom } from './random.ts';
import { SimulatedCall, type CallFloor } from './simulated-call.ts';
import { resolveSimulatorConfig, type SimulatorConfig } from './simulator-config.ts';

export interface SimulatorDeps {
  clock: Clock;
  recordings: RecordingStore;
  logger: Logger;
}

export interface SimulatorStats {
  /** placeCall calls that created a leg. */
  placed: number;
  /** placeCall calls that rejected. */
  rejected: number;
  answered: number;
  connected: number;
  /** Legs that ended, by cause. */
  ended: Record<HangupCause, number>;
  /** Legs still up. */
  live: number;
  recordingsSaved: number;
  recordingsFailed: number;
}

export interface SimulatorDriver extends TelephonyDriver {
  stats(): SimulatorStats;
  /** Simulates a PBX restart: every call is forgotten without an `ended`, then driver down, then up. */
  crash(options?: { downForMs?: number }): void;
  /** Resolves once no recording save is in flight (and its `ended` event has gone out). */
  whenIdle(): Promise<void>;
  /**
   * An agent's phone unregisters (`false`) or registers again: presence follows as an event;
   * a call the agent has ends, a consult it is in ends (floor-controls.ts). An agent whose phone
   * is unregistered before it signs in stays offline until the phone registers (a browser phone).
   */
  setPhoneRegistered(agentCode: string, registered: boolean): void;
  /** DTMF sent on a call so far (tests). */
  dtmfSent(callId: string): string;
}

const DIAL_NUMBER = /^\+?\d{1,32}$/;

export function createSimulatorDriver(config: Partial<SimulatorConfig>, deps: SimulatorDeps): SimulatorDriver {
  const settings = resolveSimulatorConfig(config);
  const { clock, recordings } = deps;
  const logger = deps.logger.child({ driver: 'simulator' });
  const random = createRandom(settings.seed);
  const calls = new Map<string, SimulatedCall>();
  const floorTimers = new Set<TimerHandle>();
  const saves = new Set<Promise<void>>();
  const agents = new AgentRoster(settings.agents, settings.firstExtension, settings.wrapUpSeconds);
  let listener: TelephonyListener | null = null;
  let state: 'stopped' | 'up' | 'down' = 'stopped';
  let liveCount = 0;
  const stats: SimulatorStats = {
    placed: 0,
    rejected: 0,
    answered: 0,
    connected: 0,
    ended: { normal: 0, busy: 0, 'no-answer': 0, congestion: 0, failed: 0, abandoned: 0 },
    live: 0,
    recordingsSaved: 0,
    recordingsFailed: 0,
  };

  const emit = (event: TelephonyEvent) => {
    if (event.type === 'answered') stats.answered++;
    else if (event.type === 'connected') {
      stats.connected++;
      const call = calls.get(event.callId);
      if (call) controls.connected(call, event.agentCode);
    }
    try {
      listener?.(event);
    } catch (error) {
      logger.error({ err: error instanceof Error ? error.message : String(error), event: event.type }, 'event listener threw');
    }
  };

  const later = (delayMs: number, fn: () => void) => {
    const handle = clock.setTimer(delayMs, () => {
      floorTimers.delete(handle);
      fn();
    });
    floorTimers.add(handle);
  };

  const announce = (agentCode: string) => {
    const event = agents.presenceEvent(agentCode);
    if (event) later(0, () => emit(event));
  };

  const controls = new FloorControls({
    clock,
    connectDelayMs: settings.connectDelayMs,
    agents,
    call: (callId) => calls.get(callId),
    later,
    emit: (event) => emit(event),
  });

  const floor: CallFloor = {
    clock,
    config: settings,
    emit,
    callEnded(call, cause, detail, fromCommand) {
      liveCount--;
      controls.ended(call.callId);
      stats.ended[cause]++;
      const at = clock.now();
      if (call.record && call.connectedAt !== null) {
        const seconds = Math.min((at - call.connectedAt) / 1000, settings.recordingSeconds);
        // A save that has to be retried reports the call ended at once, with the recording to come.
        let reported = false;
        const outcome = saveRecording(call, seconds, () => {
          if (reported) return;
          reported = true;
          report(call, { type: 'ended', callId: call.callId, at, cause, detail, recordingLater: outcome });
        });
        const save = outcome.then((recording) => {
          saves.delete(save);
          if (!reported) report(call, { type: 'ended', callId: call.callId, at, cause, detail, recording });
        });
        saves.add(save);
      } else if (fromCommand) {
        call.reportTimer = clock.setTimer(0, () => report(call, { type: 'ended', callId: call.callId, at, cause, detail }));
      } else {
        report(call, { type: 'ended', callId: call.callId, at, cause, detail });
      }
    },
  };

  const report = (call: SimulatedCall, event: TelephonyEvent) => {
    if (call.forgotten) return;
    call.reportTimer = null;
    calls.delete(call.callId);
    emit(event);
  };

  const saveRecording = async (call: SimulatedCall, seconds: number, onRetrying: () => void): Promise<RecordingOutcome> => {
    try {
      // Streamed: an hour of talk is 57.6 MB at 8 kHz 16-bit mono and never sits in memory.
      // A source, not a stream: a store that retries a failed write generates it again.
      const wav = () => toneWavStream({ seconds, frequencyHz: 160 + (call.plan.audioSeed % 90), seed: call.plan.audioSeed });
      const stored = await recordings.save(call.callId, 'audio/wav', wav, { onRetrying });
      stats.recordingsSaved++;
      return { status: 'saved', key: stored.key };
    } catch (error) {
      stats.recordingsFailed++;
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ callId: call.callId, err: reason }, 'recording could not be saved');
      return { status: 'failed', reason };
    }
  };

  /** Drops every call and pending event without reporting anything. */
  const forgetEverything = () => {
    for (const call of calls.values()) {
      call.forgotten = true;
      call.cancelTimers();
    }
    calls.clear();
    liveCount = 0;
    for (const handle of floorTimers) handle.cancel();
    floorTimers.clear();
  };

  const requireUp = (what: string) => {
    if (state !== 'up') throw new Error(`${what}: simulator is ${state === 'down' ? 'down' : 'not started'}`);
  };

  /** A call control of the driver: refused unless the floor is up, then done on the floor (floor-controls.ts). */
  const whenUp =
    <Args extends unknown[]>(what: string, control: (...args: Args) => Promise<void>) =>
    async (...args: Args): Promise<void> => {
      requireUp(what);
      await control(...args);
    };

  const whenIdle = async () => {
    for (let round = 0; saves.size > 0 && round < 1000; round++) await Promise.all(saves);
  };

  return {
    name: 'simulator',

    async start(onEvent) {
      if (state !== 'stopped') throw new Error('simulator already started');
      listener = onEvent;
      state = 'up';
      logger.info({ agents: settings.agents, seed: settings.seed }, 'simulated call floor started');
      later(0, () => emit({ type: 'driver', state: 'up' }));
      for (const agent of agents.startVirtualAgents()) announce(agent.agentCode);
    },

    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      listener = null;
      forgetEverything();
      await whenIdle();
      logger.info({ placed: stats.placed }, 'simulated call floor stopped');
    },

    async placeCall(request: PlaceCallRequest) {
      // Drawn first, whatever happens next: the n-th call always gets the n-th draws.
      const plan = drawCallPlan(settings, random, request.number);
      try {
        requireUp('placeCall');
        if (calls.has(request.callId)) throw new Error(`placeCall: call ${request.callId} already exists`);
        if (!DIAL_NUMBER.test(request.number)) throw new Error(`placeCall: invalid number ${JSON.stringify(request.number)}`);
        if (request.trunkChannelLimit > 0 && liveCount >= request.trunkChannelLimit) {
          throw new Error(`placeCall: trunk channel limit ${request.trunkChannelLimit} reached`);
        }
        if (plan.failPlace) throw new Error('placeCall: simulated trunk failure');
      } catch (error) {
        stats.rejected++;
        throw error;
      }
      const timeoutMs = request.ringTimeoutSeconds > 0 ? request.ringTimeoutSeconds * 1000 : Number.POSITIVE_INFINITY;
      const call = new SimulatedCall(request.callId, plan, timeoutMs, floor);
      calls.set(request.callId, call);
      liveCount++;
      stats.placed++;
      call.dial();
    },

    async connectAgent(callId, agent, options) {
      requireUp('connectAgent');
      const call = calls.get(callId);
      if (!call || !call.live) throw new Error(`connectAgent: no live call ${callId}`);
      if (call.state !== 'answered') throw new Error(`connectAgent: call ${callId} is ${call.state}, not answered`);
      const online = agents.isOnline(agent.agentCode);
      if (online === undefined) throw new Error(`connectAgent: unknown agent ${agent.agentCode}`);
      if (!online) throw new Error(`connectAgent: agent ${agent.agentCode} is offline`);
      call.connect(agent.agentCode, options.record);
    },

    async abandonCall(callId) {
      requireUp('abandonCall');
      const call = calls.get(callId);
      if (!call || !call.live) return;
      if (call.state !== 'answered') throw new Error(`abandonCall: call ${callId} is ${call.state}, not answered`);
      call.abandon();
    },

    async hangup(callId) {
      const call = calls.get(callId);
      if (call?.live) call.hangup();
    },

    hold: whenUp('hold', (callId) => controls.hold(callId)),
    resume: whenUp('resume', (callId) => controls.resume(callId)),
    mute: whenUp('mute', (callId) => controls.mute(callId)),
    unmute: whenUp('unmute', (callId) => controls.unmute(callId)),
    sendDtmf: whenUp('sendDtmf', (callId, digits) => controls.sendDtmf(callId, digits)),
    transfer: whenUp('transfer', (callId, target, options) => controls.transfer(callId, target, options.mode)),
    completeTransfer: whenUp('completeTransfer', (callId) => controls.completeTransfer(callId)),
    cancelTransfer: whenUp('cancelTransfer', (callId) => controls.cancelTransfer(callId)),
    conference: whenUp('conference', (callId) => controls.conference(callId)),

    async liveCalls() {
      const ids: string[] = [];
      for (const call of calls.values()) if (call.live) ids.push(call.callId);
      return ids;
    },

    async signInAgent(agent) {
      requireUp('signInAgent');
      agents.signIn(agent);
      announce(agent.agentCode);
    },

    async signOutAgent(agentCode) {
      requireUp('signOutAgent');
      if (agents.signOut(agentCode)) announce(agentCode);
    },

    health(): TelephonyHealth {
      if (state === 'up') return { ready: true };
      return { ready: false, reason: state === 'down' ? 'simulated PBX restarting' : 'not started' };
    },

    stats() {
      return { ...stats, ended: { ...stats.ended }, live: liveCount };
    },

    crash(options = {}) {
      if (state !== 'up') return;
      const downForMs = options.downForMs ?? 1000;
      const lost = liveCount;
      forgetEverything();
      state = 'down';
      logger.warn({ lostCalls: lost }, 'simulated PBX crashed');
      later(0, () => emit({ type: 'driver', state: 'down', reason: 'simulated PBX restart' }));
      later(downForMs, () => {
        state = 'up';
        emit({ type: 'driver', state: 'up' });
        for (const agent of agents.online()) announce(agent.agentCode);
      });
    },

    whenIdle,

    setPhoneRegistered(agentCode, registered) {
      if (state !== 'up') return;
      agents.setPhone(agentCode, registered);
      if (registered) {
        const ref = agents.known(agentCode);
        if (ref) agents.signIn(ref);
      } else if (agents.signOut(agentCode)) controls.phoneLost(agentCode);
      announce(agentCode);
    },

    dtmfSent: (callId) => controls.dtmfSent.get(callId) ?? '',
  };
}
