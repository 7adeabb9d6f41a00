/**
 * Settings of the Asterisk ARI driver, resolved once and frozen at construction: where ARI
 * is, how a customer number becomes a dial string, how agents are reached, and the bounds of
 * every wait the driver makes (reconnect back-off, agent ring time, recording fetch).
 * `parseAgentsSetting` reads the `CCS_AGENTS` form `Agent/9001=PJSIP/9001,...`.
 */
import type { AgentRef } from '../../ports/telephony.ts';

export type AriAgentMode = 'on-answer' | 'nailed-up';

export interface AriConfig {
  /** Asterisk's HTTP server, e.g. `http://127.0.0.1:8088` (ARI lives under `/ari`). */
  url: string;
  user: string;
  password: string;
  /** Stasis application name (ari.conf user's app, `app=` on the events WebSocket). */
  app: string;
  /** Customer dial string; `{number}` is replaced by the number, e.g. `PJSIP/{number}@trunk`. */
  dialTemplate: string;
  agentMode: AriAgentMode;
  /** Known agents and their phones (`endpoint`), e.g. from `CCS_AGENTS`; unattended phones. */
  agents: AgentRef[];
  /** Media played to an answered customer no agent can take, e.g. `sound:vm-goodbye`. */
  abandonSound: string;
  /** Music-on-hold class a held customer hears (musiconhold.conf). */
  mohClass: string;
  recordingFormat: 'wav';
  /** WebSocket reconnect delays: doubles from `minDelayMs` up to `maxDelayMs`. */
  reconnect: { minDelayMs: number; maxDelayMs: number };
  /** Seconds an agent's phone may ring (on-answer connect, nailed-up sign-in). */
  agentRingSeconds: number;
  /** Seconds before an agent whose phone failed is called again (nailed-up) or rechecked. */
  agentRetrySeconds: number;
  /** Wrap-up seconds announced with the presence of the configured (unattended) agents. */
  autoWrapUpSeconds: number | null;
  /** Signs in the configured agents by itself once ARI is first up. */
  signInConfiguredAgents: boolean;
  /** Bound of every ARI REST request. */
  requestTimeoutMs: number;
  /** Bound of waiting for and downloading a finished recording. */
  recordingFetchTimeoutMs: number;
  /** Recordings stop by themselves after this long. */
  maxRecordingSeconds: number;
  /** The abandon message is cut after this long if Asterisk does not report its end. */
  abandonMaxSeconds: number;
  /** Removes a recording from Asterisk once CCS has stored it. */
  deleteStoredRecordings: boolean;
}

export type AriConfigInput = Partial<AriConfig> & Pick<AriConfig, 'url' | 'user' | 'password'>;

export const ARI_DEFAULTS: Omit<AriConfig, 'url' | 'user' | 'password'> = {
  app: 'ccs',
  dialTemplate: 'PJSIP/{number}@trunk',
  agentMode: 'on-answer',
  agents: [],
  abandonSound: 'sound:vm-goodbye',
  mohClass: 'default',
  recordingFormat: 'wav',
  reconnect: { minDelayMs: 250, maxDelayMs: 5000 },
  agentRingSeconds: 15,
  agentRetrySeconds: 30,
  autoWrapUpSeconds: null,
  signInConfiguredAgents: true,
  requestTimeoutMs: 5000,
  recordingFetchTimeoutMs: 15_000,
  maxRecordingSeconds: 3600,
  abandonMaxSeconds: 15,
  deleteStoredRecordings: true,
};

export function resolveAriConfig(input: AriConfigInput): Readonly<AriConfig> {
  const config: AriConfig = { ...ARI_DEFAULTS, ...stripUndefined(input), url: input.url, user: input.user, password: input.password };
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new Error(`ARI url is not a URL: ${JSON.stringify(config.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`ARI url must be http(s): ${config.url}`);
  if (!config.dialTemplate.includes('{number}')) throw new Error(`dial template needs {number}: ${config.dialTemplate}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(config.app)) throw new Error(`ARI app name is not plain: ${config.app}`);
  if (config.agentMode !== 'on-answer' && config.agentMode !== 'nailed-up') throw new Error(`unknown agent mode: ${String(config.agentMode)}`);
  const { minDelayMs, maxDelayMs } = config.reconnect;
  if (!(minDelayMs > 0 && maxDelayMs >= minDelayMs)) throw new Error('reconnect back-off needs 0 < minDelayMs <= maxDelayMs');
  return Object.freeze({ ...config, agents: config.agents.map((a) => Object.freeze({ ...a })), reconnect: Object.freeze({ ...config.reconnect }) });
}

const DIAL_NUMBER = /^\+?\d{1,32}$/;

/** The endpoint a customer number is dialled through; rejects anything but digits. */
export function dialEndpoint(template: string, number: string): string {
  if (!DIAL_NUMBER.test(number)) throw new Error(`not a dialable number: ${JSON.stringify(number)}`);
  return template.replaceAll('{number}', number);
}

/**
 * The trunk a dial string goes through, for the per-trunk channel limit:
 * `PJSIP/123@trunk` → `trunk`, `PJSIP/trunk/sip:123@host` → `trunk`, `DAHDI/g1/123` → `g1`.
 */
export function trunkOf(endpoint: string): string {
  const parts = endpoint.split('/');
  if (parts.length >= 3) return parts[1]!;
  const at = endpoint.lastIndexOf('@');
  return at >= 0 ? endpoint.slice(at + 1) : (parts[0] ?? endpoint);
}

/** The phone of an agent: its own endpoint, the configured one, else `PJSIP/<station>`. */
export function agentEndpoint(agent: AgentRef, configured: readonly AgentRef[]): string {
  return agent.endpoint ?? configured.find((a) => a.agentCode === agent.agentCode)?.endpoint ?? `PJSIP/${agent.stationId}`;
}

/**
 * Parses `Agent/9001=PJSIP/9001,Agent/9002=PJSIP/9002` (blank → none). The station is the
 * digits of the agent code; an entry without `=endpoint` uses `PJSIP/<station>`.
 */
export function parseAgentsSetting(text: string): AgentRef[] {
  const agents: AgentRef[] = [];
  const seen = new Set<string>();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const agentCode = (eq >= 0 ? entry.slice(0, eq) : entry).trim();
    const stationId = agentCode.replace(/\D/g, '');
    if (stationId === '') throw new Error(`agent code without a station number: ${JSON.stringify(agentCode)}`);
    const endpoint = eq >= 0 ? entry.slice(eq + 1).trim() : `PJSIP/${stationId}`;
    if (!/^[A-Za-z0-9_-]+\/\S+$/.test(endpoint)) throw new Error(`agent ${agentCode}: endpoint must look like TECH/resource, got ${JSON.stringify(endpoint)}`);
    if (seen.has(agentCode)) throw new Error(`agent ${agentCode} is listed twice`);
    seen.add(agentCode);
    agents.push({ agentCode, stationId, endpoint });
  }
  return agents;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
