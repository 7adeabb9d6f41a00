/**
 * Call monitoring on Asterisk, over ARI snoop channels, as a Stasis application of its own
 * (`<CCS_ARI_APP>-monitor`, in a cluster `<CCS_ARI_APP>-monitor-<node id>`: monitorAppName; its
 * own events WebSocket) so it never touches the driver's calls.
 *
 * A call's customer channel is its call id and its mixing bridge `<callId>-bridge`
 * (agent-connector.ts); the agent's channel is the other channel in that bridge, read with
 * `GET /bridges/{id}` (no such bridge, or no agent in it: the call is not connected). One session:
 *  - a mixing bridge of its own, `<session>-bridge`, the supervisor's "listening room";
 *  - the supervisor's phone, `POST /channels` (endpoint = the account's monitorEndpoint,
 *    channelId `<session>-supervisor`); once answered (StasisStart) it joins the room, or the
 *    call's bridge when barging;
 *  - listen: `POST /channels/{agent}/snoop?spy=both&whisper=none`, the snoop channel in the room:
 *    the supervisor hears the agent and what the agent hears (the customer), nobody hears them;
 *  - whisper: the same with `whisper=out`: what the supervisor says goes out to the agent's
 *    phone only (never into the call's bridge, so the customer does not hear it);
 *  - barge: no snoop; the supervisor's channel is added to the call's bridge
 *    (`POST /bridges/{callId}-bridge/addChannel`, which moves it out of the room): everyone
 *    hears everyone.
 * Switching mode makes the new snoop before hanging up the old one and moves the supervisor's
 * channel between the room and the call's bridge: the supervisor's leg is never hung up.
 * The snoop goes when the agent's channel goes: if the call's bridge still has an agent (a
 * transfer's target), a new snoop follows that agent, else the call ended; the supervisor
 * hanging up ends the session. Ends are reported as `ended`.
 * The session's application also subscribes to the customer's channel and the call's bridge
 * (`POST /applications/{app}/subscription?eventSource=channel:<callId>,bridge:<callId>-bridge`):
 * a nailed-up agent's line outlives the call (it goes back to the holding bridge), so the
 * customer's ChannelDestroyed ends the session, and an agent leaving the call's bridge while
 * another agent is in it (a blind transfer to a parked line) moves the snoop to that agent.
 */
import type { MonitorMode } from '../../domain/monitoring-session.ts';
import { MonitorRefusal, type CallMonitor, type MonitorEvent, type MonitorListener, type MonitorRequest } from '../../ports/call-monitor.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import { isChannelEvent, type AriBridge, type OtherEvent } from './ari-events.ts';
import { AriHttp, isAriError } from './ari-http.ts';
import { AriEventStream } from './ari-websocket.ts';

export interface AriMonitorConfig {
  url: string;
  user: string;
  password: string;
  /** The Stasis application of monitoring (not the driver's). */
  app: string;
  requestTimeoutMs?: number;
  /** How long the supervisor's phone rings before the session is given up. */
  ringSeconds?: number;
  /** How long a start waits for a link that is (re)connecting before it is refused. */
  linkWaitMs?: number;
}

interface Session {
  id: string;
  callId: string;
  callBridge: string;
  agentChannel: string;
  room: string;
  supervisorLeg: string;
  mode: MonitorMode;
  /** The snoop channel in force (null while barging). */
  snoop: string | null;
  snoops: number;
  supervisorUp: boolean;
  closing: boolean;
  /** The subscription to the customer's channel and the call's bridge (event sources). */
  watching: string | null;
  /** Moving to the call's new agent (one move at a time: the agent leaving the bridge and its snoop going both ask for it). */
  following: boolean;
}

/**
 * The monitoring application's name. Asterisk gives an application's events to the last
 * WebSocket connected for it, so nodes of a cluster sharing one name would take each other's
 * events. A session's snoops and supervisor leg are created by the node serving it and only that
 * node needs their events: each node has a name of its own, the node id with what ARI does not
 * take in a name (anything but letters, digits, `_`, `.`, `-`) turned into `-`.
 */
export function monitorAppName(app: string, clusterNodeId: string | null): string {
  return clusterNodeId === null ? `${app}-monitor` : `${app}-monitor-${clusterNodeId.replace(/[^A-Za-z0-9_.-]+/g, '-')}`;
}

const enc = encodeURIComponent;
/** How long a snoop is left to go with its agent's channel after the call ended. */
const SNOOP_GRACE_MS = 2000;
const text = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createAriCallMonitor(config: AriMonitorConfig, deps: { clock: Clock; logger: Logger }): CallMonitor {
  const log = deps.logger.child({ component: 'ari-call-monitor' });
  const http = new AriHttp({ url: config.url, user: config.user, password: config.password, timeoutMs: config.requestTimeoutMs ?? 5000, clock: deps.clock });
  const sessions = new Map<string, Session>();
  /** Customer channel or call bridge id → the sessions watching it. */
  const byCall = new Map<string, Set<Session>>();
  /** Channel id → its session (the supervisor's leg and the snoops). */
  const byChannel = new Map<string, Session>();
  let listener: MonitorListener = () => {};
  let open = false;
  /** Begins waiting for the link (it is connecting or reconnecting), bounded. */
  const waiting = new Set<() => void>();
  const linkUp = (): Promise<boolean> => {
    if (open) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        timer.cancel();
        waiting.delete(done);
        resolve(open);
      };
      const timer = deps.clock.setTimer(config.linkWaitMs ?? 2000, done);
      waiting.add(done);
    });
  };

  const quietly = (what: Promise<unknown>) => what.then(() => undefined, (error: unknown) => (isAriError(error, 'not-found') ? undefined : log.warn({ err: text(error) }, 'monitoring clean-up request failed')));
  const hangUp = (channelId: string) => quietly(http.delete(`/channels/${enc(channelId)}`));

  async function finish(s: Session, reason: MonitorEvent['reason'], detail?: string): Promise<void> {
    if (s.closing) return;
    await release(s);
    listener({ type: 'ended', sessionId: s.id, reason, ...(detail ? { detail } : {}), at: deps.clock.now() });
  }

  async function release(s: Session): Promise<void> {
    if (s.closing) return;
    s.closing = true;
    sessions.delete(s.id);
    const snoop = s.snoop;
    s.snoop = null;
    await Promise.all([snoop ? hangUp(snoop) : undefined, hangUp(s.supervisorLeg)]);
    await quietly(http.delete(`/bridges/${enc(s.room)}`));
    for (const [channel, owner] of byChannel) if (owner === s) byChannel.delete(channel);
    for (const key of [s.callId, s.callBridge]) {
      const watchers = byCall.get(key);
      watchers?.delete(s);
      if (watchers?.size === 0) byCall.delete(key);
    }
    // Another session on the same call still needs the subscription.
    if (s.watching && !byCall.has(s.callId)) await quietly(http.delete(`/applications/${enc(config.app)}/subscription`, { eventSource: s.watching }));
  }

  /** Events of the customer's channel and the call's bridge for this session (see the header). */
  async function watch(s: Session): Promise<void> {
    for (const key of [s.callId, s.callBridge]) {
      let watchers = byCall.get(key);
      if (!watchers) byCall.set(key, (watchers = new Set()));
      watchers.add(s);
    }
    const eventSource = `channel:${s.callId},bridge:${s.callBridge}`;
    await http.post(`/applications/${enc(config.app)}/subscription`, { eventSource });
    s.watching = eventSource;
  }

  /** The customer's channel or the call's bridge changed. */
  function onCallEvent(s: Session, event: OtherEvent & { channel?: { id: string }; bridge?: { id: string } }): void {
    if (s.closing) return;
    if (event.type === 'ChannelDestroyed' && event.channel?.id === s.callId) {
      // The snoop is not hung up now: on-answer the driver is hanging up the agent's channel,
      // which takes its snoops with it, and Asterisk 22.9 was seen to deadlock both channels
      // when a snoop and the channel it spies on are hung up at the same time. A snoop still
      // there a moment later is on a nailed-up line that outlived the call: hung up then.
      const snoop = s.snoop;
      s.snoop = null;
      void finish(s, 'call-ended', 'the customer hung up');
      if (snoop) deps.clock.setTimer(SNOOP_GRACE_MS, () => void hangUp(snoop));
      return;
    }
    if (event.type === 'ChannelLeftBridge' && event.bridge?.id === s.callBridge && event.channel?.id === s.agentChannel) {
      // Follow only when another agent has the customer now; otherwise the agent is consulting
      // (it comes back), or the call is ending (the customer's channel tells).
      if (s.following) return;
      s.following = true;
      void (async () => {
        const bridge = await http.get<AriBridge>(`/bridges/${enc(s.callBridge)}`);
        const other = bridge.channels.find((c) => c !== s.callId && c !== s.agentChannel && !byChannel.has(c));
        if (!other || s.closing) return;
        const old = s.snoop;
        s.snoop = null;
        if (old) {
          byChannel.delete(old);
          await hangUp(old);
        }
        await follow(s, true);
      })()
        .catch((error: unknown) => log.warn({ callId: s.callId, err: text(error) }, 'monitoring could not follow the agent'))
        .finally(() => (s.following = false));
    }
  }

  /** Puts the answered supervisor where the mode wants them: the room, or the call's bridge. */
  async function place(s: Session): Promise<void> {
    if (!s.supervisorUp || s.closing) return;
    const bridge = s.mode === 'barge' ? s.callBridge : s.room;
    await http.post(`/bridges/${enc(bridge)}/addChannel`, { channel: s.supervisorLeg });
  }

  /** A new snoop on the agent's channel for `mode`; the previous one is hung up once it exists. */
  async function snoop(s: Session, mode: 'listen' | 'whisper'): Promise<void> {
    const id = `${s.id}-snoop-${++s.snoops}`;
    const previous = s.snoop;
    byChannel.set(id, s);
    s.snoop = id;
    try {
      await http.post(`/channels/${enc(s.agentChannel)}/snoop`, { spy: 'both', whisper: mode === 'whisper' ? 'out' : 'none', app: config.app, appArgs: `snoop,${s.id}`, snoopId: id });
    } catch (error) {
      byChannel.delete(id);
      s.snoop = previous;
      if (isAriError(error, 'not-found')) throw new MonitorRefusal('not-connected', `the agent's channel of call ${s.callId} is gone`);
      throw error;
    }
    if (previous) await hangUp(previous);
  }

  /**
   * The agent's channel went away under the snoop: when the call's bridge still has an agent (a
   * transfer's target, or a conference), the snoop moves to that agent's channel in the same
   * mode; otherwise the call is over.
   */
  async function follow(s: Session, already = false): Promise<void> {
    if (s.following && !already) return;
    s.following = true;
    s.snoop = null;
    try {
      const bridge = await http.get<AriBridge>(`/bridges/${enc(s.callBridge)}`);
      const agent = bridge.channels.find((c) => c !== s.callId && c !== s.agentChannel && !byChannel.has(c));
      if (!agent || s.closing) return void (await finish(s, 'call-ended', 'the agent channel went away'));
      s.agentChannel = agent;
      if (s.mode !== 'barge') await snoop(s, s.mode);
      log.info({ callId: s.callId, session: s.id, agentChannel: agent }, "monitoring follows the call's new agent");
    } catch (error) {
      await finish(s, 'call-ended', `the agent channel went away (${text(error)})`);
    } finally {
      if (!already) s.following = false;
    }
  }

  function onEvent(event: OtherEvent): void {
    if (!isChannelEvent(event) || event.type === 'Dial') return;
    if (event.type === 'ChannelDestroyed' || event.type === 'ChannelLeftBridge') {
      const key = event.type === 'ChannelDestroyed' ? event.channel?.id : event.bridge?.id;
      for (const watcher of (key ? byCall.get(key) : undefined) ?? []) onCallEvent(watcher, event);
    }
    const id = event.channel?.id;
    const s = id ? byChannel.get(id) : undefined;
    if (!s || !id || s.closing) return;
    const ours = id === s.supervisorLeg;
    if (event.type === 'StasisStart') {
      if (ours) {
        s.supervisorUp = true;
        void place(s).catch((error: unknown) => void finish(s, 'failed', `the supervisor could not be bridged: ${text(error)}`));
      } else if (id === s.snoop) {
        void http.post(`/bridges/${enc(s.room)}/addChannel`, { channel: id }).catch((error: unknown) => void finish(s, 'failed', `the snoop could not be bridged: ${text(error)}`));
      } else {
        void hangUp(id); // a snoop replaced before it arrived
      }
      return;
    }
    if (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') {
      if (ours) void finish(s, 'supervisor-left', event.type === 'ChannelDestroyed' ? event.cause_txt : undefined);
      // A snoop we did not hang up went with the agent's channel: the call is over, or another agent has it now.
      else if (id === s.snoop) void follow(s);
      else byChannel.delete(id);
    }
  }

  const stream = new AriEventStream(
    { url: config.url, user: config.user, password: config.password, app: config.app, clock: deps.clock, logger: log, minDelayMs: 500, maxDelayMs: 30_000 },
    {
      onOpen: () => {
        open = true;
        for (const done of [...waiting]) done();
        log.info({ app: config.app }, 'monitoring application registered with ARI');
      },
      onEvent,
      onClose: (reason, wasOpen) => {
        open = false;
        // A lost link loses the sessions' events: they are ended rather than left unwatched.
        if (wasOpen) for (const s of [...sessions.values()]) void finish(s, 'failed', `ARI link lost: ${reason}`);
      },
    },
  );

  return {
    name: 'asterisk-ari',
    async start(l) {
      listener = l;
      stream.start();
    },
    async stop() {
      await Promise.all([...sessions.values()].map((s) => release(s)));
      stream.stop();
      open = false;
      listener = () => {};
      await http.close();
    },
    async begin(request: MonitorRequest) {
      if (!(await linkUp())) throw new MonitorRefusal('unavailable', 'the monitoring link to Asterisk (ARI) is down');
      const callBridge = `${request.callId}-bridge`;
      let bridge: AriBridge;
      try {
        bridge = await http.get<AriBridge>(`/bridges/${enc(callBridge)}`);
      } catch (error) {
        if (isAriError(error, 'not-found')) throw new MonitorRefusal('not-connected', `call ${request.callId} has no bridge: it is not connected`);
        throw error;
      }
      const agentChannel = bridge.channels.find((c) => c !== request.callId && !byChannel.has(c));
      if (!agentChannel) throw new MonitorRefusal('not-connected', `no agent in the bridge of call ${request.callId}`);
      const s: Session = {
        id: request.sessionId,
        callId: request.callId,
        callBridge,
        agentChannel,
        room: `${request.sessionId}-bridge`,
        supervisorLeg: `${request.sessionId}-supervisor`,
        mode: request.mode,
        snoop: null,
        snoops: 0,
        supervisorUp: false,
        closing: false,
        watching: null,
        following: false,
      };
      sessions.set(s.id, s);
      byChannel.set(s.supervisorLeg, s);
      try {
        await http.post('/bridges', { type: 'mixing', bridgeId: s.room, name: `ccs-monitor-${request.callId}` });
        await watch(s);
        if (request.mode !== 'barge') await snoop(s, request.mode);
        await http.post('/channels', {
          endpoint: request.endpoint,
          app: config.app,
          appArgs: `supervisor,${s.id}`,
          channelId: s.supervisorLeg,
          callerId: `Monitor <${request.callId}>`.slice(0, 80),
          timeout: config.ringSeconds ?? 30,
        });
      } catch (error) {
        await release(s);
        throw error;
      }
      log.info({ callId: s.callId, session: s.id, mode: s.mode, endpoint: request.endpoint }, 'monitoring session set up');
    },
    async change(sessionId, mode) {
      const s = sessions.get(sessionId);
      if (!s || s.closing) throw new MonitorRefusal('unknown-session', `no monitoring session ${sessionId}`);
      const from = s.mode;
      if (mode === 'barge') {
        s.mode = 'barge';
        try {
          await place(s);
        } catch (error) {
          s.mode = from;
          if (isAriError(error, 'not-found')) throw new MonitorRefusal('not-connected', `call ${s.callId} has no bridge any more`);
          throw error;
        }
        const old = s.snoop;
        s.snoop = null;
        if (old) await hangUp(old);
        return;
      }
      s.mode = mode;
      try {
        await snoop(s, mode);
        if (from === 'barge') await place(s);
      } catch (error) {
        s.mode = from;
        throw error;
      }
    },
    async end(sessionId) {
      const s = sessions.get(sessionId);
      if (s) await release(s);
    },
  };
}
