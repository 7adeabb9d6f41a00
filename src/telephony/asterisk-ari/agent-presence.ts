/**
 * Which agents are signed in, where their phones are, and what the engine has been told
 * about them (`agent` online/offline events). The driver subscribes the Stasis app to each
 * signed-in agent's endpoint and device state (`endpoint:PJSIP/9001`,
 * `deviceState:PJSIP/9001`) so `EndpointStateChange` / `DeviceStateChanged` arrive.
 *
 * In on-answer mode presence follows the phone's state: online unless the endpoint is
 * offline or the device unavailable. An agent whose phone failed to answer a connect is
 * announced offline and rechecked after `agentRetrySeconds`. In nailed-up mode presence
 * follows the nailed-up leg (see nailed-up-agent.ts); endpoint changes are passed on to it.
 */
import type { TimerHandle } from '../../ports/clock.ts';
import type { AgentRef } from '../../ports/telephony.ts';
import { agentEndpoint } from './ari-config.ts';
import type { PresenceEvent } from './ari-events.ts';
import { isAriError } from './ari-http.ts';
import { errorText, type DriverContext } from './driver-context.ts';

export type Presence = 'online' | 'offline';

export interface AgentEntry {
  ref: AgentRef;
  endpoint: string;
  /** Configured (unattended) agents announce `autoWrapUpSeconds`. */
  unattended: boolean;
  signedIn: boolean;
  presence: Presence | null;
  recheck: TimerHandle | null;
}

export interface PresenceHooks {
  /** Nailed-up mode: the phone's endpoint went on- or offline. */
  endpointChanged(entry: AgentEntry, online: boolean): void;
  /** Nailed-up mode: whether the agent's leg is parked and ready. */
  isParked(entry: AgentEntry): boolean;
}

const OFFLINE_DEVICE_STATES = new Set(['UNAVAILABLE', 'INVALID']);

export class AgentPresence {
  readonly agents = new Map<string, AgentEntry>();
  private hooks: PresenceHooks | null = null;

  constructor(private readonly ctx: DriverContext) {}

  useHooks(hooks: PresenceHooks): void {
    this.hooks = hooks;
  }

  entryFor(ref: AgentRef): AgentEntry {
    const { config } = this.ctx;
    let entry = this.agents.get(ref.agentCode);
    if (!entry) {
      const endpoint = agentEndpoint(ref, config.agents);
      entry = {
        ref: { ...ref, endpoint },
        endpoint,
        unattended: config.agents.some((a) => a.agentCode === ref.agentCode),
        signedIn: false,
        presence: null,
        recheck: null,
      };
      this.agents.set(ref.agentCode, entry);
    }
    return entry;
  }

  /** Tells the engine; unchanged presence is repeated only when `force`d (e.g. on sign-in). */
  announce(entry: AgentEntry, presence: Presence, force = false): void {
    if (!force && entry.presence === presence) return;
    entry.presence = presence;
    const { agentCode, stationId } = entry.ref;
    const wrapUp = this.ctx.config.autoWrapUpSeconds;
    this.ctx.emit(
      presence === 'online'
        ? { type: 'agent', agentCode, stationId, presence, ...(entry.unattended && wrapUp !== null ? { autoWrapUpSeconds: wrapUp } : {}) }
        : { type: 'agent', agentCode, stationId, presence },
    );
  }

  /** Subscribes the app to the phone's state events; failures are logged, not fatal. */
  async watch(entry: AgentEntry): Promise<void> {
    const sources = eventSources(entry.endpoint);
    if (!sources) return;
    try {
      await this.ctx.http.post(`/applications/${encodeURIComponent(this.ctx.config.app)}/subscription`, { eventSource: sources });
    } catch (error) {
      this.ctx.logger.warn({ agentCode: entry.ref.agentCode, err: errorText(error) }, 'cannot subscribe to the agent phone state');
    }
  }

  async unwatch(entry: AgentEntry): Promise<void> {
    const sources = eventSources(entry.endpoint);
    if (!sources) return;
    await this.ctx.http
      .delete(`/applications/${encodeURIComponent(this.ctx.config.app)}/subscription`, { eventSource: sources })
      .catch(() => {});
  }

  /** The phone's endpoint state; rejects when Asterisk does not know the endpoint. */
  async probe(entry: AgentEntry): Promise<'online' | 'offline' | 'unknown'> {
    const [tech, resource] = splitEndpoint(entry.endpoint);
    if (!tech || !resource || resource.includes('/') || resource.includes('@')) return 'unknown';
    try {
      const endpoint = await this.ctx.http.get<{ state?: string }>(`/endpoints/${encodeURIComponent(tech)}/${encodeURIComponent(resource)}`);
      return endpoint?.state === 'offline' ? 'offline' : endpoint?.state === 'online' ? 'online' : 'unknown';
    } catch (error) {
      if (isAriError(error, 'not-found', 'invalid')) throw new Error(`agent ${entry.ref.agentCode}: Asterisk has no endpoint ${entry.endpoint}`);
      throw error;
    }
  }

  /** On-answer mode: announces the phone's current state. */
  async refresh(entry: AgentEntry, force: boolean): Promise<void> {
    const state = await this.probe(entry);
    if (!entry.signedIn) return;
    this.announce(entry, state === 'offline' ? 'offline' : 'online', force);
  }

  /** The phone did not take a call: out of rotation now, checked again later. */
  unreachable(entry: AgentEntry): void {
    this.announce(entry, 'offline');
    if (entry.recheck || !entry.signedIn) return;
    entry.recheck = this.ctx.clock.setTimer(this.ctx.config.agentRetrySeconds * 1000, () => {
      entry.recheck = null;
      if (!entry.signedIn) return;
      if (this.hooks) {
        if (this.hooks.isParked(entry)) this.announce(entry, 'online');
        return;
      }
      this.refresh(entry, false).catch((error) =>
        this.ctx.logger.warn({ agentCode: entry.ref.agentCode, err: errorText(error) }, 'agent phone state unknown'),
      );
    });
  }

  forget(entry: AgentEntry): void {
    entry.signedIn = false;
    entry.recheck?.cancel();
    entry.recheck = null;
  }

  onEvent(event: PresenceEvent): void {
    let online: boolean;
    let endpoint: string;
    if (event.type === 'EndpointStateChange') {
      if (event.endpoint.state !== 'online' && event.endpoint.state !== 'offline') return;
      online = event.endpoint.state === 'online';
      endpoint = `${event.endpoint.technology}/${event.endpoint.resource}`;
    } else {
      if (event.device_state.state === 'UNKNOWN') return;
      online = !OFFLINE_DEVICE_STATES.has(event.device_state.state);
      endpoint = event.device_state.name;
    }
    for (const entry of this.agents.values()) {
      if (!entry.signedIn || entry.endpoint.toLowerCase() !== endpoint.toLowerCase()) continue;
      if (this.hooks) this.hooks.endpointChanged(entry, online);
      else if (!online) this.announce(entry, 'offline');
      else if (!entry.recheck) this.announce(entry, 'online');
    }
  }
}

function splitEndpoint(endpoint: string): [string | undefined, string | undefined] {
  const slash = endpoint.indexOf('/');
  return slash < 0 ? [endpoint, undefined] : [endpoint.slice(0, slash), endpoint.slice(slash + 1)];
}

function eventSources(endpoint: string): string | null {
  const [tech, resource] = splitEndpoint(endpoint);
  if (!tech || !resource) return null;
  return `endpoint:${tech}/${resource},deviceState:${tech}/${resource}`;
}
