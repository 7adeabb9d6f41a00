/**
 * The telephony port over several Asterisk servers, each driven by its own driver (normally the
 * ARI driver). The engine sees one driver.
 *
 * Calls: a customer leg goes to a server chosen by server-choice.ts from the agents the engine
 * names with it; from then on every command about that call (connect, abandon, hang-up, call
 * controls) goes to that server, and `canConnect` accepts only agents whose phone is there, so
 * no call is ever bridged across servers.
 *
 * Agents: an agent belongs to the server its configuration names, else to the server that last
 * reported its phone online. An agent without a server is signed in on every server that is up
 * (the one its phone is on says so).
 *
 * A server's states: starting → up ⇄ down. Down: its agents leave the floor at once (offline
 * events) and no leg goes there; if it is still down after `downGraceMs` (a short network blip
 * is not a lost server: Asterisk keeps the calls up), its calls are reported ended with what is
 * known (connected: `normal`, the conversation took place; answered: `normal`, the customer was
 * not bridged; not answered: `failed`), and events it sends later about them are dropped; the
 * calls it still has when it comes back are hung up. Up again: its agents are announced online
 * again (its own presence checks follow) and it takes legs again. The composite reports `driver`
 * down only while every server is down, and up when the first one is up.
 */
import type { HangupCause } from '../../domain/disposition.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import {
  CallControlError,
  type AgentRef,
  type PlaceCallRequest,
  type TelephonyDriver,
  type TelephonyEvent,
  type TelephonyListener,
} from '../../ports/telephony.ts';
import { Server, type CallEntry } from './server-state.ts';
import { chooseServer } from './server-choice.ts';

export interface ServerDriver {
  name: string;
  driver: TelephonyDriver;
  /** Most customer legs up at once on the server (0 = none). */
  channelLimit: number;
}

export interface MultiServerOptions {
  /** Agents whose server is configured. */
  agentServers: ReadonlyMap<string, string>;
  /** How long a server may be down before its calls are reported ended. */
  downGraceMs: number;
}

export function createMultiServerDriver(list: readonly ServerDriver[], options: MultiServerOptions, deps: { clock: Clock; logger: Logger }): TelephonyDriver {
  if (list.length === 0) throw new Error('several-server driver: no server');
  const logger = deps.logger.child({ driver: 'multi-server' });
  const calls = new Map<string, CallEntry>();
  const servers = list.map((s) => new Server(s.name, s.driver, s.channelLimit, calls));
  const byName = new Map(servers.map((s) => [s.name, s]));
  /** Agent → server: configured, else discovered from presence. */
  const owner = new Map(options.agentServers);
  /** Agents signed in through the composite, and the servers they were signed in on. */
  const signedIn = new Map<string, Set<Server>>();
  let listener: TelephonyListener | null = null;
  let reported: 'up' | 'down' | null = null;

  const emit = (event: TelephonyEvent) => {
    try {
      listener?.(event);
    } catch (error) {
      logger.error({ err: String(error), event: event.type }, 'telephony listener threw');
    }
  };

  const serverOfAgent = (agentCode: string) => {
    const name = owner.get(agentCode);
    return name === undefined ? undefined : byName.get(name);
  };

  const reportDriverState = () => {
    const anyUp = servers.some((s) => s.up);
    const allDown = servers.every((s) => s.state === 'down');
    if (anyUp && reported !== 'up') {
      reported = 'up';
      emit({ type: 'driver', state: 'up' });
    } else if (allDown && reported !== 'down') {
      reported = 'down';
      emit({ type: 'driver', state: 'down', reason: servers.map((s) => `${s.name}: ${s.lastReason}`).join('; ') });
    }
  };

  /** The server is lost for good: its calls end with what is known. */
  const loseCalls = (server: Server) => {
    server.lostTimer = null;
    // The last moment anything of these calls was known: the server went down then, not when the grace ran out.
    const at = server.downSince ?? deps.clock.now();
    for (const callId of [...server.calls]) {
      const entry = calls.get(callId);
      server.calls.delete(callId);
      calls.delete(callId);
      if (!entry) continue;
      if (entry.placing) {
        // Its placeCall will fail (the server is gone) and give the attempt back; no end is owed.
        calls.set(callId, entry);
        server.calls.add(callId);
        continue;
      }
      server.written.add(callId);
      const cause: HangupCause = entry.phase === 'connected' || entry.phase === 'answered' ? 'normal' : 'failed';
      logger.warn({ server: server.name, callId, phase: entry.phase }, 'Asterisk server lost: call reported ended');
      emit({ type: 'ended', callId, at, cause, detail: `Asterisk server ${server.name} lost`, ...(entry.phase === 'connected' ? { recording: { status: 'failed', reason: `server ${server.name} lost` } as const } : {}) });
    }
  };

  const onServerDown = (server: Server, reason: string) => {
    const was = server.state;
    server.state = 'down';
    server.lastReason = reason;
    if (was === 'up') {
      server.downSince = deps.clock.now();
      logger.warn({ server: server.name, reason }, 'Asterisk server down: its agents leave the floor');
      for (const event of server.online.values()) if (serverOfAgent(event.agentCode) === server) emit({ ...event, presence: 'offline' });
      server.lostTimer ??= deps.clock.setTimer(options.downGraceMs, () => loseCalls(server));
    }
    reportDriverState();
  };

  const onServerUp = (server: Server) => {
    server.state = 'up';
    server.downSince = null;
    server.lastReason = '';
    server.lostTimer?.cancel();
    server.lostTimer = null;
    reportDriverState();
    for (const event of server.online.values()) if (serverOfAgent(event.agentCode) === server) emit(event);
    // Agents without a server of their own signed in while it was down: sign them in here too.
    for (const [agentCode, on] of signedIn) {
      if (on.has(server) || owner.has(agentCode)) continue;
      on.add(server);
      void server.driver.signInAgent(refs.get(agentCode)!).catch((error) => logger.warn({ server: server.name, agentCode, err: String(error) }, 'agent not signed in'));
    }
    if (server.written.size > 0) {
      void server.driver
        .liveCalls()
        .then((ids) => {
          for (const id of ids) if (server.written.has(id)) void server.driver.hangup(id).catch(() => {});
        })
        .catch((error) => logger.warn({ server: server.name, err: String(error) }, 'calls already reported ended not checked'));
    }
  };
  const refs = new Map<string, AgentRef>();

  const onAgentEvent = (server: Server, event: Extract<TelephonyEvent, { type: 'agent' }>) => {
    const configured = options.agentServers.get(event.agentCode);
    if (configured !== undefined && configured !== server.name) return; // its phone is not meant to be there
    if (event.presence === 'online') {
      server.online.set(event.agentCode, event);
      const before = owner.get(event.agentCode);
      owner.set(event.agentCode, server.name);
      if (before !== undefined && before !== server.name) logger.info({ agentCode: event.agentCode, from: before, to: server.name }, 'agent phone now on another server');
      emit(event);
      return;
    }
    server.online.delete(event.agentCode);
    if (owner.get(event.agentCode) === server.name || !owner.has(event.agentCode)) emit(event);
  };

  const onCallEvent = (server: Server, event: Extract<TelephonyEvent, { callId: string }>) => {
    const { callId } = event;
    if (server.written.has(callId)) {
      // Already reported ended when the server was lost: nothing more about it goes out.
      if (event.type === 'ended') server.written.delete(callId);
      else void server.driver.hangup(callId).catch(() => {});
      return;
    }
    let entry = calls.get(callId);
    if (entry && entry.server !== server) return; // another server's call id: not ours to report
    if (!entry) {
      // A call placed before this process started, followed by its server.
      entry = { server, group: null, phase: 'ringing', placing: false };
      calls.set(callId, entry);
      server.calls.add(callId);
    }
    if (event.type === 'ringing' && entry.phase === 'placing') entry.phase = 'ringing';
    else if (event.type === 'answered' && entry.phase !== 'connected') entry.phase = 'answered';
    else if (event.type === 'connected') entry.phase = 'connected';
    else if (event.type === 'ended') {
      calls.delete(callId);
      server.calls.delete(callId);
    }
    emit(event);
  };

  const listen = (server: Server): TelephonyListener => (event) => {
    if (event.type === 'driver') {
      if (event.state === 'up') onServerUp(server);
      else onServerDown(server, event.reason ?? 'down');
    } else if (event.type === 'agent') onAgentEvent(server, event);
    else onCallEvent(server, event);
  };

  /** The server holding a live call. */
  const holder = (callId: string, what: string): Server => {
    const entry = calls.get(callId);
    if (!entry) throw new CallControlError('no-call', `${what}: no live call ${callId}`);
    return entry.server;
  };

  return {
    name: 'asterisk',

    async start(onEvent) {
      listener = onEvent;
      logger.info({ servers: servers.map((s) => s.name) }, 'connecting to the Asterisk servers');
      await Promise.all(servers.map((s) => s.driver.start(listen(s))));
    },

    async stop() {
      listener = null;
      for (const s of servers) {
        s.lostTimer?.cancel();
        s.lostTimer = null;
      }
      await Promise.allSettled(servers.map((s) => s.driver.stop()));
    },

    async placeCall(request: PlaceCallRequest) {
      if (calls.has(request.callId)) throw new Error(`placeCall: call ${request.callId} already exists`);
      const choice = chooseServer(servers, request.route);
      if ('refused' in choice) throw new Error(`placeCall ${request.callId}: ${choice.refused}`);
      const server = byName.get(choice.server)!;
      // Registered first: the server's events can come before its answer.
      const entry: CallEntry = { server, group: request.route?.group ?? null, phase: 'placing', placing: true };
      calls.set(request.callId, entry);
      server.calls.add(request.callId);
      const { route: _route, ...forServer } = request;
      try {
        await server.driver.placeCall(forServer);
      } catch (error) {
        // The driver rejects only when nothing was dialled (the port's rule): the leg is forgotten.
        if (calls.get(request.callId) === entry) {
          calls.delete(request.callId);
          server.calls.delete(request.callId);
        }
        throw new Error(`${(error as Error)?.message ?? String(error)} (server ${server.name})`);
      } finally {
        entry.placing = false;
      }
    },

    canConnect(callId, agentCode) {
      const entry = calls.get(callId);
      return entry !== undefined && entry.server.up && entry.server.hasAgent(agentCode) && serverOfAgent(agentCode) === entry.server;
    },

    async connectAgent(callId, agent, opts) {
      const server = holder(callId, 'connectAgent');
      const agentServer = serverOfAgent(agent.agentCode);
      if (agentServer !== server) throw new Error(`connectAgent: agent ${agent.agentCode} is on ${agentServer?.name ?? 'no server'}, call ${callId} on ${server.name}`);
      await server.driver.connectAgent(callId, agent, opts);
    },

    async abandonCall(callId) {
      await calls.get(callId)?.server.driver.abandonCall(callId);
    },

    async hangup(callId) {
      await calls.get(callId)?.server.driver.hangup(callId);
    },

    hold: async (callId) => holder(callId, 'hold').driver.hold(callId),
    resume: async (callId) => holder(callId, 'resume').driver.resume(callId),
    mute: async (callId) => holder(callId, 'mute').driver.mute(callId),
    unmute: async (callId) => holder(callId, 'unmute').driver.unmute(callId),
    sendDtmf: async (callId, digits) => holder(callId, 'sendDtmf').driver.sendDtmf(callId, digits),
    async transfer(callId, target, opts) {
      const server = holder(callId, 'transfer');
      if (target.kind === 'agent' && serverOfAgent(target.agent.agentCode) !== server) {
        throw new CallControlError('invalid-target', `transfer: agent ${target.agent.agentCode} is not on server ${server.name}, which holds the call`);
      }
      await server.driver.transfer(callId, target, opts);
    },
    completeTransfer: async (callId) => holder(callId, 'completeTransfer').driver.completeTransfer(callId),
    cancelTransfer: async (callId) => holder(callId, 'cancelTransfer').driver.cancelTransfer(callId),
    conference: async (callId) => holder(callId, 'conference').driver.conference(callId),

    async liveCalls() {
      if (!servers.some((s) => s.up)) throw new Error('liveCalls: no Asterisk server is up');
      const ids = new Set<string>();
      for (const server of servers) {
        if (server.up) {
          for (const id of await server.driver.liveCalls()) if (!server.written.has(id)) ids.add(id);
        } else for (const id of server.calls) ids.add(id); // not lost yet: still its calls
      }
      return [...ids];
    },

    async signInAgent(agent) {
      refs.set(agent.agentCode, agent);
      const own = serverOfAgent(agent.agentCode);
      const configured = options.agentServers.has(agent.agentCode);
      const targets = configured && own ? [own] : servers.filter((s) => s.up);
      if (targets.length === 0) throw new Error(`signInAgent: ${own ? `Asterisk server ${own.name} is down` : 'no Asterisk server is up'}`);
      const on = signedIn.get(agent.agentCode) ?? new Set<Server>();
      signedIn.set(agent.agentCode, on);
      const results = await Promise.allSettled(targets.map(async (s) => {
        await s.driver.signInAgent(agent);
        on.add(s);
      }));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length === results.length) throw failed[0]!.reason;
    },

    async signOutAgent(agentCode) {
      const on = signedIn.get(agentCode);
      signedIn.delete(agentCode);
      refs.delete(agentCode);
      const targets = on ? [...on] : servers;
      await Promise.allSettled(targets.map((s) => s.driver.signOutAgent(agentCode)));
      if (!options.agentServers.has(agentCode)) owner.delete(agentCode);
    },

    health() {
      if (servers.some((s) => s.up)) return { ready: true };
      return { ready: false, reason: servers.map((s) => `${s.name}: ${s.driver.health().reason ?? s.lastReason}`).join('; ') };
    },
  };
}
