/**
 * The Asterisk telephony driver: the telephony port over ARI (REST + events WebSocket).
 *
 * A customer leg is `POST /channels/create` with the engine's call id as `channelId`
 * (`appArgs=dialout,<callId>`, variables CCS_CALL_ID and CDR(userfield)), then
 * `POST /channels/{id}/dial?timeout=<ring timeout>`; its events are routed to it by channel
 * id (customer-leg.ts). Agents are bridged on answer or kept nailed up in a holding bridge
 * (agent-connector.ts, nailed-up-agent.ts); presence comes from the phones' state
 * (agent-presence.ts); bridge recordings are fetched into the RecordingStore
 * (recording.ts). The link (ari-link.ts) reconnects with back-off and reconciles calls when
 * ARI returns. Nothing is placed while ARI is down: `placeCall` rejects and `health()` says why.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingStore } from '../../ports/recording-store.ts';
import { CallControlError, type AgentRef, type PlaceCallRequest, type TelephonyDriver, type TelephonyEvent, type TelephonyListener, type TransferTarget } from '../../ports/telephony.ts';
import { AgentConnection } from './agent-connector.ts';
import { AgentPresence, type AgentEntry } from './agent-presence.ts';
import { dialEndpoint, resolveAriConfig, trunkOf, type AriConfigInput } from './ari-config.ts';
import { channelIdOf, isChannelEvent, isPlaybackEvent, isPresenceEvent, isRecordingEvent, type AriChannel, type OtherEvent } from './ari-events.ts';
import { AriHttp, isAriError } from './ari-http.ts';
import { AriLink } from './ari-link.ts';
import type { TargetRoute } from './call-controls.ts';
import { CustomerLeg, STASIS_WAIT_MS } from './customer-leg.ts';
import { errorText, type DriverContext, type RouteListener } from './driver-context.ts';
import { HoldingBridge, NailedUpAgent } from './nailed-up-agent.ts';

export interface AriDriverDeps {
  clock: Clock;
  recordings: RecordingStore;
  logger: Logger;
  /** Source of unique ids for agent legs and bridges (default: random UUIDs). */
  newId?: () => string;
}

export function createAriDriver(input: AriConfigInput, deps: AriDriverDeps): TelephonyDriver {
  const config = resolveAriConfig(input);
  const { clock, recordings } = deps;
  const logger = deps.logger.child({ driver: 'asterisk-ari' });
  const http = new AriHttp({ url: config.url, user: config.user, password: config.password, timeoutMs: config.requestTimeoutMs, clock });
  const routes = new Map<string, RouteListener>();
  const legs = new Map<string, CustomerLeg>();
  const nailed = new Map<string, NailedUpAgent>();
  let listener: TelephonyListener | null = null;

  const emit = (event: TelephonyEvent) => {
    try {
      listener?.(event);
    } catch (error) {
      logger.error({ err: errorText(error), event: event.type }, 'telephony listener threw');
    }
  };

  const ctx: DriverContext = {
    config,
    http,
    clock,
    logger,
    recordings,
    emit,
    route: (key, l) => void routes.set(key, l),
    unroute: (key, l) => {
      if (!l || routes.get(key) === l) routes.delete(key);
    },
    newId: deps.newId ?? (() => randomUUID()),
    isUp: () => link.isUp,
  };

  const presence = new AgentPresence(ctx);
  const holding = new HoldingBridge(ctx);
  if (config.agentMode === 'nailed-up') {
    presence.useHooks({
      isParked: (entry) => nailed.get(entry.ref.agentCode)?.isParked ?? false,
      endpointChanged: (entry, online) => {
        const session = nailed.get(entry.ref.agentCode);
        if (!session) return;
        if (!online) presence.announce(entry, 'offline');
        else if (!session.hasLeg) session.redialAfter(0);
        else if (session.isParked && !entry.recheck) presence.announce(entry, 'online');
      },
    });
  }

  const isOwnCustomerLeg = (channel: AriChannel) =>
    channel.channelvars?.CCS_CALL_ID === channel.id || channel.dialplan?.app_data === `${config.app},dialout,${channel.id}`;

  /** How a transfer reaches its target: a nailed-up agent's parked line, or a call to its phone or number. */
  const routeOf = (target: TransferTarget): TargetRoute => {
    if (target.kind === 'number') return { kind: 'dial', endpoint: dialEndpoint(config.dialTemplate, target.number) };
    const session = nailed.get(target.agent.agentCode);
    if (session) return session.isParked ? { kind: 'nailed', session } : session.hasLeg ? { kind: 'refused', reason: 'busy' } : { kind: 'refused', reason: 'offline' };
    return { kind: 'dial', endpoint: presence.entryFor(target.agent).endpoint };
  };

  const newLeg = (callId: string, trunk: string) => {
    const leg = new CustomerLeg(
      ctx,
      callId,
      trunk,
      (done) => {
        if (legs.get(done.callId) === done) legs.delete(done.callId);
      },
      routeOf,
    );
    legs.set(callId, leg);
    return leg;
  };

  const dispatch = (event: OtherEvent) => {
    try {
      if (isChannelEvent(event)) {
        const id = channelIdOf(event);
        if (id) routes.get(id)?.(event);
      } else if (isRecordingEvent(event)) routes.get(`recording:${event.recording?.name}`)?.(event);
      else if (isPlaybackEvent(event)) routes.get(`playback:${event.playback?.id}`)?.(event);
      else if (isPresenceEvent(event)) presence.onEvent(event);
    } catch (error) {
      logger.error({ err: errorText(error), event: event.type }, 'ARI event handling failed');
    }
  };

  let leftoversRemoved = false;
  const synchronise = async (channels: AriChannel[], restarted: boolean, lostSince: number | null) => {
    const present = new Map(channels.map((c) => [c.id, c]));
    const at = lostSince ?? clock.now();
    if (restarted) holding.forget();
    const lost: Promise<void>[] = [];
    const recovering: Promise<void>[] = [];
    for (const leg of [...legs.values()]) {
      const channel = present.get(leg.callId);
      if (channel) leg.catchUp(channel);
      else if (leg.lose(restarted ? 'Asterisk restarted: the call is gone' : 'the call is gone from Asterisk', at)) lost.push(leg.finished);
    }
    for (const session of nailed.values()) {
      const leg = session.leg;
      if (leg && !present.has(leg)) session.forgetLeg(restarted ? 'Asterisk restarted' : 'leg gone from Asterisk');
    }
    for (const channel of channels) {
      if (legs.has(channel.id) || !isOwnCustomerLeg(channel)) continue;
      logger.info({ callId: channel.id, state: channel.state }, 'following a call placed before this process started');
      const leg = newLeg(channel.id, trunkOf(config.dialTemplate));
      leg.adopt(channel);
      recovering.push(leg.recover());
    }
    await Promise.all(recovering);
    // Their `ended` goes out before `driver up`, so the engine's reconciliation agrees.
    await Promise.all(lost);
    // Before any agent is called: holding bridges (and parked lines) an interrupted run left behind.
    if (!leftoversRemoved) {
      leftoversRemoved = true;
      const lines = new Set([...nailed.values()].flatMap((session) => (session.leg ? [session.leg] : [])));
      await holding.removeLeftovers((channelId) => lines.has(channelId));
    }
  };

  const signIn = async (agent: AgentRef): Promise<void> => {
    const entry = presence.entryFor(agent);
    entry.signedIn = true;
    try {
      await presence.watch(entry);
      if (config.agentMode === 'on-answer') {
        await presence.refresh(entry, true);
        return;
      }
      let session = nailed.get(agent.agentCode);
      if (!session) {
        session = new NailedUpAgent(ctx, entry, holding, presence);
        nailed.set(agent.agentCode, session);
      }
      if (session.isParked) presence.announce(entry, 'online', true);
      else await session.dial();
    } catch (error) {
      if (config.agentMode === 'on-answer') presence.forget(entry);
      throw error;
    }
  };

  const resumeAgent = (entry: AgentEntry) => {
    void presence.watch(entry);
    if (config.agentMode === 'on-answer') {
      if (!entry.recheck) presence.refresh(entry, false).catch((error) => logger.warn({ agentCode: entry.ref.agentCode, err: errorText(error) }, 'agent phone state unknown'));
    } else nailed.get(entry.ref.agentCode)?.redialAfter(0);
  };

  const link = new AriLink(ctx, {
    onEvent: dispatch,
    synchronise,
    onUp: (first) => {
      if (first && config.signInConfiguredAgents) {
        for (const agent of config.agents) {
          signIn(agent).catch((error) => logger.warn({ agentCode: agent.agentCode, err: errorText(error) }, 'configured agent not signed in'));
        }
      }
      for (const entry of presence.agents.values()) if (entry.signedIn && !(first && config.signInConfiguredAgents)) resumeAgent(entry);
    },
    onDown: () => {},
  });

  /**
   * chan_pjsip builds the INVITE's From from the channel's connected line; left empty it sends
   * "Anonymous". Without a caller id of its own, a call presents its endpoint's `callerid`.
   */
  const presentOwnCallerId = async (leg: CustomerLeg, caller: { name: string; number: string }) => {
    const value = caller.name ? `"${caller.name.replaceAll('"', '')}" <${caller.number}>` : caller.number;
    await leg
      .postWhileJoining('/variable', { variable: 'CONNECTEDLINE(all,i)', value })
      .catch((error) => logger.warn({ callId: leg.callId, err: errorText(error) }, 'caller id not set; the call may show as anonymous'));
  };

  const requireUp = (what: string) => {
    if (!link.isUp) throw new Error(`${what}: ARI is not ready (${link.health().reason ?? 'down'})`);
  };

  /** The live leg a call control is about. */
  const controlled = (callId: string, what: string) => {
    requireUp(what);
    const leg = legs.get(callId);
    if (!leg || leg.isEnding()) throw new CallControlError('no-call', `${what}: no live call ${callId}`);
    return leg.controls;
  };

  return {
    name: 'asterisk',

    async start(onEvent) {
      listener = onEvent;
      logger.info({ url: config.url, app: config.app, agentMode: config.agentMode }, 'connecting to ARI');
      await link.start();
    },

    async stop() {
      listener = null;
      link.stop();
      await http.close();
    },

    async placeCall(request: PlaceCallRequest) {
      const { callId } = request;
      requireUp('placeCall');
      const endpoint = dialEndpoint(config.dialTemplate, request.number);
      if (legs.has(callId)) throw new Error(`placeCall: call ${callId} already exists`);
      const trunk = trunkOf(endpoint);
      if (request.trunkChannelLimit > 0) {
        let busy = 0;
        for (const leg of legs.values()) if (leg.trunk === trunk && leg.counted) busy++;
        if (busy >= request.trunkChannelLimit) throw new Error(`placeCall: trunk ${trunk} is at its limit of ${request.trunkChannelLimit} channels`);
      }
      const leg = newLeg(callId, trunk);
      const { campaignId, contactId, attemptNo } = request.tags;
      const variables: Record<string, string> = { CCS_CALL_ID: callId, 'CDR(userfield)': `ccs;campaign=${campaignId};contact=${contactId};attempt=${attemptNo}` };
      if (request.callerId) {
        variables['CALLERID(num)'] = request.callerId;
        // The From of an outbound PJSIP INVITE comes from the channel's connected line.
        variables['CONNECTEDLINE(num,i)'] = request.callerId;
      }
      let channel: AriChannel | undefined;
      try {
        channel = await http.post<AriChannel>('/channels/create', { endpoint, app: config.app, appArgs: `dialout,${callId}`, channelId: callId }, { variables });
      } catch (error) {
        leg.discard();
        legs.delete(callId);
        // A create that timed out may still have made the channel: never leave it behind.
        if (!isAriError(error, 'conflict', 'invalid', 'unauthorized')) http.delete(`/channels/${encodeURIComponent(callId)}`, { reason: 'normal' }).catch(() => {});
        throw new Error(`placeCall ${callId}: ${errorText(error)}`);
      }
      if (!leg.created()) {
        if (leg.phase === 'live') await leg.sendHangup().catch(() => {});
        return;
      }
      try {
        // Operate on the channel only once it is in the application (409 before that).
        if (!(await leg.whenInApplication(STASIS_WAIT_MS)) && !leg.isEnding()) {
          logger.warn({ callId, waitedMs: STASIS_WAIT_MS }, 'no StasisStart for the new channel yet; dialling anyway');
        }
        if (!request.callerId && channel?.caller?.number && leg.dialWanted) await presentOwnCallerId(leg, channel.caller);
        if (!leg.dialWanted) {
          if (leg.phase === 'live') await leg.sendHangup().catch(() => {});
          return;
        }
        await leg.postWhileJoining('/dial', request.ringTimeoutSeconds > 0 ? { timeout: request.ringTimeoutSeconds } : {});
      } catch (error) {
        if (leg.isEnding()) return; // it already ended: its `ended` reports it
        leg.discard();
        legs.delete(callId);
        http.delete(`/channels/${encodeURIComponent(callId)}`, { reason: 'normal' }).catch(() => {});
        throw new Error(`placeCall ${callId}: ${errorText(error)}`);
      }
    },

    async connectAgent(callId, agent, options) {
      const leg = legs.get(callId);
      if (!leg) throw new Error(`connectAgent: no live call ${callId}`);
      const entry = presence.entryFor(agent);
      let session: NailedUpAgent | null = null;
      // Nailed-up: a signed-in agent is reached through its parked leg only; an agent the
      // driver never signed in is called on answer.
      if (config.agentMode === 'nailed-up') {
        const candidate = nailed.get(agent.agentCode);
        if (candidate) {
          if (!candidate.hasLeg) {
            presence.unreachable(entry);
            throw new Error(`connectAgent: agent ${agent.agentCode} has no nailed-up line (its phone is not connected)`);
          }
          await candidate.whenParked(config.agentRingSeconds * 1000);
          session = candidate;
        }
      }
      return leg.connect((host, attempt) => new AgentConnection(ctx, host, entry, presence, options.record, session, attempt));
    },

    async abandonCall(callId) {
      await legs.get(callId)?.abandon();
    },

    async hangup(callId) {
      await legs.get(callId)?.hangup();
    },

    hold: async (callId) => controlled(callId, 'hold').hold(),
    resume: async (callId) => controlled(callId, 'resume').resume(),
    mute: async (callId) => controlled(callId, 'mute').mute(true),
    unmute: async (callId) => controlled(callId, 'unmute').mute(false),
    sendDtmf: async (callId, digits) => controlled(callId, 'sendDtmf').sendDtmf(digits),
    transfer: async (callId, target, options) => controlled(callId, 'transfer').transfer(target, options.mode),
    completeTransfer: async (callId) => controlled(callId, 'completeTransfer').completeTransfer(),
    cancelTransfer: async (callId) => controlled(callId, 'cancelTransfer').cancelTransfer(),
    conference: async (callId) => controlled(callId, 'conference').conference(),

    async liveCalls() {
      requireUp('liveCalls');
      const channels = await http.get<AriChannel[]>('/channels');
      const ids: string[] = [];
      for (const channel of channels ?? []) {
        const leg = legs.get(channel.id);
        if (leg ? leg.counted : isOwnCustomerLeg(channel)) ids.push(channel.id);
      }
      return ids;
    },

    async signInAgent(agent) {
      requireUp('signInAgent');
      await signIn(agent);
    },

    async signOutAgent(agentCode) {
      const entry = presence.agents.get(agentCode);
      if (!entry) return;
      presence.forget(entry);
      void presence.unwatch(entry);
      const session = nailed.get(agentCode);
      if (!session) return;
      nailed.delete(agentCode);
      await session.stop();
      if (nailed.size === 0) await holding.destroy();
    },

    health() {
      return link.health();
    },
  };
}
