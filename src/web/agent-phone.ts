/**
 * The agent's phone in the browser, server side: what a desk's phone is (its SIP identity),
 * the short-lived password it registers with, and — on the simulated floor — the registration
 * itself.
 *
 * Credentials: each provisioning (`GET /ui/agent/phone`, by the desk holding the agent) draws a
 * new random password and hands it to the PBX through `PhoneAuthStore` (Asterisk: an auth
 * object created over ARI's dynamic configuration; the simulated floor: kept here). The
 * password replaces the previous one, lives in the browser's memory only, and is removed when
 * the agent signs out of the desk (or its session ends): a signed-out agent's phone cannot
 * register again.
 *
 * Presence: the agent is on the floor only while its phone is registered. With Asterisk the
 * driver follows the endpoint's state. On the simulated floor a desk signing in starts with its
 * phone unregistered (`floor.setPhoneRegistered(code, false)`, before the engine signs it in);
 * a registration (`register`, with the issued credentials) brings the agent online and lasts
 * `registerSeconds`: a phone that does not renew it in time (network lost, browser closed) is
 * unregistered, and the agent goes offline until it registers again.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AgentMode, WebrtcSettings } from '../config/config.ts';
import type { Clock, TimerHandle } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';

/** Where a phone's password is known to the PBX. */
export interface PhoneAuthStore {
  /** Creates or replaces the auth object `id` (the endpoint's name) with these credentials. */
  put(id: string, username: string, password: string): Promise<void>;
  /** Removes it; a phone using it can no longer register. Removing an absent one is no error. */
  remove(id: string): Promise<void>;
  /** Whether the endpoint `id` is registered now, as the PBX sees it (Asterisk); absent: CCS knows (the simulated floor). */
  online?(id: string): Promise<boolean>;
  /** Releases connections (service stop). */
  close?(): Promise<void>;
}

/** What the desk's phone needs to register; the password stays in the browser's memory. */
export interface PhoneProvision {
  /** `sip`: register to Asterisk over WebSocket; `simulated`: register with CCS (the simulated floor). */
  kind: 'sip' | 'simulated';
  /** `on-answer`: the phone is rung per call; `nailed-up`: one call into the holding bridge for the shift. */
  agentMode: AgentMode;
  endpoint: string;
  sipUri: string;
  username: string;
  password: string;
  displayName: string;
  wsUrl: string | null;
  registerSeconds: number;
  iceServers: string[];
  /** `relay`: the browser's peer connection uses TURN relays only. */
  iceTransportPolicy: 'all' | 'relay';
}

export type RegisterRefusal = 'not-signed-in' | 'bad-credentials' | 'not-simulated';

export interface AgentPhonesDeps {
  settings: WebrtcSettings;
  telephony: 'simulator' | 'asterisk';
  agentMode: AgentMode;
  auth: PhoneAuthStore;
  /** The simulated floor (its phones register through CCS); absent with Asterisk. */
  floor?: { setPhoneRegistered(agentCode: string, registered: boolean): void };
  clock: Clock;
  logger: Logger;
}

interface Line {
  agentCode: string;
  endpoint: string;
  password: string;
  registered: boolean;
  expiry: TimerHandle | null;
}

export function phoneEndpoint(template: string, stationId: string): string {
  return template.replaceAll('{station}', stationId);
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function createAgentPhones(deps: AgentPhonesDeps) {
  const { settings, clock } = deps;
  const log = deps.logger.child({ component: 'agent-phone' });
  const lines = new Map<string, Line>();
  const simulated = deps.telephony === 'simulator';
  const domain = settings.sipDomain ?? (settings.wsUrl ? new URL(settings.wsUrl.replace(/^ws/i, 'http')).hostname : 'ccs.invalid');

  const unregister = (line: Line, why: string) => {
    line.expiry?.cancel();
    line.expiry = null;
    if (!line.registered) return;
    line.registered = false;
    log.info({ agentCode: line.agentCode, why }, 'browser phone unregistered: agent off the floor');
    deps.floor?.setPhoneRegistered(line.agentCode, false);
  };

  return {
    /** Where the desk's page connects besides CCS (the SIP WebSocket; its Content-Security-Policy allows it). */
    connectSource: simulated ? null : settings.wsUrl,

    /** The PJSIP endpoint a desk's phone is, for the driver to ring (`PJSIP/<endpoint>`). */
    endpointOf: (stationId: string) => `PJSIP/${phoneEndpoint(settings.endpointTemplate, stationId)}`,

    /** A desk is signing in: on the simulated floor its agent stays offline until the phone registers. */
    beforeSignIn(agentCode: string): void {
      const line = lines.get(agentCode);
      if (line) unregister(line, 'desk signing in again');
      deps.floor?.setPhoneRegistered(agentCode, false);
    },

    /** New credentials for the desk's phone (the previous password stops working). */
    async provision(agent: { agentCode: string; stationId: string }, displayName: string): Promise<PhoneProvision> {
      const endpoint = phoneEndpoint(settings.endpointTemplate, agent.stationId);
      const password = randomBytes(24).toString('base64url');
      await deps.auth.put(endpoint, endpoint, password);
      const previous = lines.get(agent.agentCode);
      if (previous && previous.endpoint !== endpoint) unregister(previous, 'station changed');
      const line: Line = previous && previous.endpoint === endpoint ? previous : { agentCode: agent.agentCode, endpoint, password, registered: false, expiry: null };
      line.password = password;
      lines.set(agent.agentCode, line);
      log.info({ agentCode: agent.agentCode, endpoint }, 'browser phone credentials issued');
      return {
        kind: simulated ? 'simulated' : 'sip',
        agentMode: deps.agentMode,
        endpoint,
        sipUri: `sip:${endpoint}@${domain}`,
        username: endpoint,
        password,
        displayName,
        wsUrl: settings.wsUrl,
        registerSeconds: settings.registerSeconds,
        iceServers: [...settings.iceServers],
        iceTransportPolicy: settings.iceTransportPolicy,
      };
    },

    /**
     * The simulated floor's REGISTER: the issued credentials bring the agent online for
     * `registerSeconds`; a renewal in time keeps it there.
     */
    register(agentCode: string, credentials: { username?: unknown; password?: unknown }): { ok: true; expiresSeconds: number } | { ok: false; refusal: RegisterRefusal } {
      if (!simulated) return { ok: false, refusal: 'not-simulated' };
      const line = lines.get(agentCode);
      if (!line) return { ok: false, refusal: 'not-signed-in' };
      if (typeof credentials.username !== 'string' || typeof credentials.password !== 'string' || credentials.username !== line.endpoint || !same(credentials.password, line.password)) {
        return { ok: false, refusal: 'bad-credentials' };
      }
      line.expiry?.cancel();
      line.expiry = clock.setTimer(settings.registerSeconds * 1000, () => {
        line.expiry = null;
        unregister(line, 'registration expired');
      });
      if (!line.registered) {
        line.registered = true;
        log.info({ agentCode }, 'browser phone registered: agent on the floor');
        deps.floor?.setPhoneRegistered(agentCode, true);
      }
      return { ok: true, expiresSeconds: settings.registerSeconds };
    },

    /** The simulated phone unregistered itself (the agent closed it). */
    unregister(agentCode: string): void {
      const line = lines.get(agentCode);
      if (line) unregister(line, 'phone unregistered');
    },

    /** Whether the agent's simulated phone is registered now (tests, the desk). */
    isRegistered: (agentCode: string) => lines.get(agentCode)?.registered ?? false,

    /**
     * The phone issued to `agentCode` (a supervisor's name for supervisors' phones) and whether
     * it is registered now: on the simulated floor as CCS saw it, with Asterisk as the PBX says.
     * Null when no phone was issued (the browser never asked, or it signed out).
     */
    async registration(agentCode: string): Promise<{ endpoint: string; registered: boolean } | null> {
      const line = lines.get(agentCode);
      if (!line) return null;
      if (simulated || !deps.auth.online) return { endpoint: `PJSIP/${line.endpoint}`, registered: line.registered };
      const registered = await deps.auth.online(line.endpoint).catch(() => false);
      return { endpoint: `PJSIP/${line.endpoint}`, registered };
    },

    /** The agent left the desk: its credentials are removed and stop working. */
    async signedOut(agentCode: string): Promise<void> {
      const line = lines.get(agentCode);
      if (!line) return;
      lines.delete(agentCode);
      line.expiry?.cancel();
      line.expiry = null;
      line.registered = false;
      await deps.auth.remove(line.endpoint).catch((error) => log.warn({ agentCode, err: String((error as Error)?.message ?? error) }, 'browser phone credentials could not be removed'));
      log.info({ agentCode }, 'browser phone credentials removed');
    },

    /** Stops the registration timers and the auth store's connections (service stop). */
    close(): void {
      for (const line of lines.values()) line.expiry?.cancel();
      void deps.auth.close?.().catch(() => {});
    },
  };
}

export type AgentPhones = ReturnType<typeof createAgentPhones>;

/** The simulated floor's auth store: nothing outside CCS needs the password. */
export function memoryPhoneAuth(): PhoneAuthStore & { has(id: string): boolean } {
  const known = new Map<string, string>();
  return {
    async put(id, _username, password) {
      known.set(id, password);
    },
    async remove(id) {
      known.delete(id);
    },
    has: (id) => known.has(id),
  };
}
