/**
 * A PBX connection held only while this node dials: for a cluster of CCS nodes on Asterisk.
 *
 * Asterisk gives a Stasis application's events to one WebSocket only, the last one connected
 * (a second connection for the same application replaces the first). Nodes that all connected
 * to `CCS_ARI_APP` at start would take the events of the dialing node's calls away from it:
 * its legs never see their `StasisStart`, and nothing is connected. So a node connects (a fresh
 * driver, synchronised with the calls the PBX holds) when it takes its first agent group, before
 * the group's open attempts are adopted, and disconnects when it holds none: the node that
 * dials is the one connected, and the heir of a dead node follows its calls on.
 *
 * The engine's start() only hands over its listener; the connection is made then if a group is
 * already held. Until connected, agents signed in are remembered (signed in on connecting), `liveCalls` is
 * empty, call requests are refused as for a PBX that is down, and health is ready: a node that
 * does not dial serves the API and the web UI.
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { AgentRef, TelephonyDriver, TelephonyHealth, TelephonyListener } from '../ports/telephony.ts';

export interface ConnectWhileDialing {
  readonly driver: TelephonyDriver;
  /** Connects if not connected; resolves once the PBX is synchronised (or `readyWithinMs` passed). */
  connect(): Promise<void>;
  /** Stops the connection (calls stay up on the PBX for whoever dials next). */
  disconnect(): Promise<void>;
}

/** `first` is a driver not started yet (used for the first connection); `make` builds the next ones. */
export function connectWhileDialing(
  first: TelephonyDriver,
  make: () => Promise<TelephonyDriver>,
  deps: { clock: Clock; logger: Logger; readyWithinMs?: number },
): ConnectWhileDialing {
  let listener: TelephonyListener | null = null;
  let inner: TelephonyDriver | null = null;
  let connecting: Promise<void> | null = null;
  let unused: TelephonyDriver | null = first;
  /** Connection asked for before the engine started the driver: made by start(). */
  let wanted = false;
  const signedIn = new Map<string, AgentRef>();
  const readyWithinMs = deps.readyWithinMs ?? 15_000;
  const sleep = (ms: number) => new Promise<void>((resolve) => deps.clock.setTimer(ms, resolve));

  const connect = (): Promise<void> => {
    wanted = true;
    if (connecting) return connecting;
    if (inner || !listener) return Promise.resolve();
    const l = listener;
    return (connecting = (async () => {
      const driver = unused ?? (await make());
      unused = null;
      await driver.start(l);
      // A restarted driver may resolve start() before its first synchronisation: the calls the
      // PBX holds must be known before open attempts are adopted against them.
      for (const stop = deps.clock.now() + readyWithinMs; !driver.health().ready && deps.clock.now() < stop; ) await sleep(100);
      inner = driver;
      deps.logger.info({ ready: driver.health().ready }, 'PBX connected: this node dials');
      for (const agent of signedIn.values()) {
        await driver.signInAgent(agent).catch((error: unknown) => deps.logger.warn({ agentCode: agent.agentCode, err: String(error) }, 'agent sign-in failed'));
      }
    })().finally(() => (connecting = null)));
  };

  const disconnect = async (): Promise<void> => {
    wanted = false;
    await connecting;
    const driver = inner;
    inner = null;
    if (!driver) return;
    deps.logger.info('PBX disconnected: this node no longer dials');
    await driver.stop();
  };

  const connected = (what: string): TelephonyDriver => {
    if (!inner) throw new Error(`${what}: this node does not dial (not connected to the PBX)`);
    return inner;
  };

  const own: Partial<TelephonyDriver> = {
    name: first.name,
    async start(l) {
      listener = l;
      if (wanted) await connect();
    },
    async stop() {
      listener = null;
      await disconnect();
    },
    async liveCalls() {
      return inner ? inner.liveCalls() : [];
    },
    async signInAgent(agent) {
      signedIn.set(agent.agentCode, agent);
      if (inner) await inner.signInAgent(agent);
    },
    async signOutAgent(agentCode) {
      signedIn.delete(agentCode);
      if (inner) await inner.signOutAgent(agentCode);
    },
    health(): TelephonyHealth {
      return inner ? inner.health() : { ready: true };
    },
    canConnect(callId, agentCode) {
      return inner?.canConnect ? inner.canConnect(callId, agentCode) : true;
    },
  };

  // Every other request the driver offers (placing, connecting, call controls) goes to the connected one.
  const forwarded: Record<string, unknown> = {};
  for (const key of Object.keys(first)) {
    if (key in own || typeof (first as unknown as Record<string, unknown>)[key] !== 'function') continue;
    forwarded[key] = (...args: unknown[]) => {
      try {
        const d = connected(key) as unknown as Record<string, (...a: unknown[]) => unknown>;
        return d[key]!.apply(d, args);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
  const driver = { ...forwarded, ...own } as TelephonyDriver;

  return { driver, connect, disconnect };
}
