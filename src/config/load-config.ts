/**
 * Builds the Config: built-in defaults, then the JSON config file (`CCS_CONFIG`, or
 * `./ccs.config.json` when present), then environment variables. The only reader of
 * `process.env`; every bad value fails start-up with the name of the setting.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { assertValidTimeZone } from '../domain/local-time.ts';
import type { Profile } from '../domain/profile.ts';
import { readAccounts } from './accounts.ts';
import { assignAgentServers, readAriServers } from './ari-servers.ts';
import { readRuleSets } from '../compliance/rule-set-config.ts';
import { ruleSetRegistry } from '../compliance/rule-sets.ts';
import type { AgentSetting, Config } from './config.ts';
import { ConfigError } from './config-error.ts';
import { BUILTIN_DEFAULT_PROFILE, readProfile } from './profiles.ts';
import {
  readBoolean,
  readEnum,
  readHttpUrl,
  readInt,
  readList,
  readNumber,
  readOptionalString,
  readRange,
  readString,
} from './readers.ts';

type Env = Record<string, string | undefined>;
type FileConfig = Record<string, any>;

export function readFileConfig(env: Env, cwd: string): { file: FileConfig; path: string | null } {
  const explicit = env.CCS_CONFIG;
  const path = explicit ? resolve(cwd, explicit) : join(cwd, 'ccs.config.json');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError('CCS_CONFIG', `file not found: ${path}`);
    return { file: {}, path: null };
  }
  try {
    return { file: JSON.parse(readFileSync(path, 'utf8')), path };
  } catch (error) {
    throw new ConfigError('CCS_CONFIG', `cannot read ${path}: ${(error as Error).message}`);
  }
}

/** `Agent/9001=PJSIP/9001,Agent/9002` → agents; the station is the code's trailing digits. */
export function parseAgentList(setting: string, text: string, group = 'default'): AgentSetting[] {
  return readList(setting, text).map((item) => {
    const [code, endpoint] = item.split('=').map((s) => s.trim());
    const station = /(\d+)$/.exec(code ?? '')?.[1];
    if (!code || !station) throw new ConfigError(setting, `cannot read agent ${JSON.stringify(item)}; expected Agent/<ext>=<endpoint>`);
    return { agentCode: code, stationId: station, ...(endpoint ? { endpoint } : {}), group };
  });
}

function readAgents(file: FileConfig, env: Env): AgentSetting[] {
  if (env.CCS_AGENTS) return parseAgentList('CCS_AGENTS', env.CCS_AGENTS);
  const list = file.agents ?? [];
  if (!Array.isArray(list)) throw new ConfigError('agents', 'expected a list');
  return list.map((a: any, i: number) => {
    const code = readString(`agents[${i}].agentCode`, a?.agentCode, '');
    const station = readString(`agents[${i}].stationId`, a?.stationId, /(\d+)$/.exec(code)?.[1] ?? '');
    if (!code || !station) throw new ConfigError(`agents[${i}]`, 'needs agentCode and stationId');
    const server = readOptionalString(`agents[${i}].server`, a.server);
    return {
      agentCode: code,
      stationId: station,
      ...(a.endpoint ? { endpoint: String(a.endpoint) } : {}),
      group: readString(`agents[${i}].group`, a.group, 'default'),
      ...(server !== null ? { server } : {}),
    };
  });
}

function readProfiles(file: FileConfig, env: Env): { defaultProfile: Profile; profiles: Profile[] } {
  const base: Profile = {
    ...BUILTIN_DEFAULT_PROFILE,
    retry: {
      maxAttempts: readInt('CCS_RETRY_MAX_ATTEMPTS', env.CCS_RETRY_MAX_ATTEMPTS, BUILTIN_DEFAULT_PROFILE.retry.maxAttempts, 1, 100),
      delaySeconds: readInt('CCS_RETRY_DELAY_SECONDS', env.CCS_RETRY_DELAY_SECONDS, BUILTIN_DEFAULT_PROFILE.retry.delaySeconds, 0, 30 * 86400),
    },
  };
  const defaultProfile = file.defaultProfile ? readProfile('defaultProfile', { name: 'default', ...file.defaultProfile }, base) : base;
  const list = file.profiles ?? [];
  if (!Array.isArray(list)) throw new ConfigError('profiles', 'expected a list');
  const profiles = list.map((p: unknown, i: number) => readProfile(`profiles[${i}]`, p, { ...defaultProfile, name: `profile-${i}` }));
  const seen = new Map<number, string>();
  for (const p of profiles) {
    for (const t of p.typeIds) {
      if (seen.has(t)) throw new ConfigError('profiles', `typeid ${t} belongs to both ${seen.get(t)} and ${p.name}`);
      seen.set(t, p.name);
    }
  }
  return { defaultProfile, profiles };
}

/** `crm.example.com`, `*.example.com` or `none` (no framing checks at all); lower case, no port. */
function readFrameProbeHosts(list: string[]): string[] {
  const hosts = list.map((h) => h.toLowerCase());
  for (const host of hosts) {
    if (!/^(\*\.)?[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(host)) throw new ConfigError('CCS_FRAME_PROBE_HOSTS', `not a host name: ${JSON.stringify(host)} (no scheme or port)`);
  }
  if (hosts.includes('none') && hosts.length > 1) throw new ConfigError('CCS_FRAME_PROBE_HOSTS', '"none" cannot be combined with host names');
  return hosts;
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const { file } = readFileConfig(env, cwd);
  const pick = (envName: string, fileValue: unknown) => (env[envName] !== undefined && env[envName] !== '' ? env[envName] : fileValue);

  const port = readInt('CCS_PORT', pick('CCS_PORT', file.port), 8080, 0, 65535);
  const host = readString('CCS_HOST', pick('CCS_HOST', file.host), '0.0.0.0');
  const dataDir = resolve(cwd, readString('CCS_DATA_DIR', pick('CCS_DATA_DIR', file.dataDir), './data'));
  const databaseUrl = readString('CCS_DATABASE_URL', pick('CCS_DATABASE_URL', file.databaseUrl), join(dataDir, 'ccs.sqlite'));
  const publicUrl = readHttpUrl('CCS_PUBLIC_URL', pick('CCS_PUBLIC_URL', file.publicUrl)) ?? `http://localhost:${port}`;
  const timeZone = readString('CCS_TIMEZONE', pick('CCS_TIMEZONE', file.timeZone), 'Asia/Ho_Chi_Minh');
  try {
    assertValidTimeZone(timeZone);
  } catch {
    throw new ConfigError('CCS_TIMEZONE', `unknown time zone ${JSON.stringify(timeZone)}`);
  }

  const crmBase = readHttpUrl('CCS_CRM_URL', pick('CCS_CRM_URL', file.crm?.url));
  const crm = file.crm ?? {};
  const { defaultProfile, profiles } = readProfiles(file, env);
  const sim = file.simulator ?? {};
  const ari = file.ari ?? {};
  const dialer = file.dialer ?? {};
  const rec = file.recordings ?? {};

  const config: Config = {
    port,
    host,
    publicUrl,
    dataDir,
    databaseUrl: /^postgres(ql)?:\/\//i.test(databaseUrl) || databaseUrl === ':memory:' ? databaseUrl : resolve(cwd, databaseUrl),
    databasePoolSize: readInt('CCS_DATABASE_POOL_SIZE', pick('CCS_DATABASE_POOL_SIZE', file.databasePoolSize), 20, 2, 1000),
    timeZone,
    bodyLimitBytes: readInt('CCS_BODY_LIMIT_MB', pick('CCS_BODY_LIMIT_MB', file.bodyLimitMb), 64, 1, 2048) * 1024 * 1024,
    logLevel: readEnum('CCS_LOG_LEVEL', pick('CCS_LOG_LEVEL', file.logLevel), ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
    crm: {
      updateUrl: readHttpUrl('CCS_CRM_UPDATE_URL', pick('CCS_CRM_UPDATE_URL', crm.updateUrl)) ?? (crmBase ? `${crmBase}/api/updateCampaign` : null),
      finishUrl: readHttpUrl('CCS_CRM_FINISH_URL', pick('CCS_CRM_FINISH_URL', crm.finishUrl)) ?? (crmBase ? `${crmBase}/api/finishCampaign` : null),
      timeoutMs: readInt('CCS_CRM_TIMEOUT_MS', pick('CCS_CRM_TIMEOUT_MS', crm.timeoutMs), 10_000, 100, 600_000),
      maxAgeMs: readNumber('CCS_CRM_MAX_AGE_HOURS', pick('CCS_CRM_MAX_AGE_HOURS', crm.maxAgeHours), 168, 0.001, 24 * 365) * 3600_000,
      hmacSecret: readOptionalString('CCS_CRM_HMAC_SECRET', pick('CCS_CRM_HMAC_SECRET', crm.hmacSecret)),
      concurrency: readInt('CCS_CRM_CONCURRENCY', pick('CCS_CRM_CONCURRENCY', crm.concurrency), 64, 1, 1024),
      extraFields: readBoolean('CCS_CRM_EXTRA_FIELDS', pick('CCS_CRM_EXTRA_FIELDS', crm.extraFields), false),
      keepDeliveredDays: readInt('CCS_CRM_KEEP_DELIVERED_DAYS', pick('CCS_CRM_KEEP_DELIVERED_DAYS', crm.keepDeliveredDays), 90, 0, 36_500),
    },
    api: {
      key: readOptionalString('CCS_API_KEY', pick('CCS_API_KEY', file.api?.key)),
      allowIps: readList('CCS_API_ALLOW_IPS', pick('CCS_API_ALLOW_IPS', file.api?.allowIps)),
    },
    operatorToken: readOptionalString('CCS_OPERATOR_TOKEN', pick('CCS_OPERATOR_TOKEN', file.operatorToken)),
    operatorLocal: readBoolean('CCS_OPERATOR_LOCAL', pick('CCS_OPERATOR_LOCAL', file.operatorLocal), true),
    frameProbeHosts: readFrameProbeHosts(readList('CCS_FRAME_PROBE_HOSTS', pick('CCS_FRAME_PROBE_HOSTS', file.frameProbeHosts))),
    telephony: readEnum('CCS_TELEPHONY', pick('CCS_TELEPHONY', file.telephony), ['simulator', 'asterisk'] as const, 'simulator'),
    simulator: {
      seed: readInt('CCS_SIM_SEED', pick('CCS_SIM_SEED', sim.seed), 1),
      agents: readInt('CCS_SIM_AGENTS', pick('CCS_SIM_AGENTS', sim.agents), 3, 0, 10_000),
      answerRate: readNumber('CCS_SIM_ANSWER_RATE', pick('CCS_SIM_ANSWER_RATE', sim.answerRate), 0.6, 0, 1),
      busyRate: readNumber('CCS_SIM_BUSY_RATE', pick('CCS_SIM_BUSY_RATE', sim.busyRate), 0.15, 0, 1),
      congestionRate: readNumber('CCS_SIM_CONGESTION_RATE', pick('CCS_SIM_CONGESTION_RATE', sim.congestionRate), 0.03, 0, 1),
      failRate: readNumber('CCS_SIM_FAIL_RATE', pick('CCS_SIM_FAIL_RATE', sim.failRate), 0.02, 0, 1),
      ringSeconds: readRange('CCS_SIM_RING_SECONDS', pick('CCS_SIM_RING_SECONDS', sim.ringSeconds), { min: 2, max: 8 }),
      talkSeconds: readRange('CCS_SIM_TALK_SECONDS', pick('CCS_SIM_TALK_SECONDS', sim.talkSeconds), { min: 5, max: 20 }),
      wrapUpSeconds: readNumber('CCS_SIM_WRAPUP_SECONDS', pick('CCS_SIM_WRAPUP_SECONDS', sim.wrapUpSeconds), 3, 0, 3600),
    },
    ari: {
      url: readHttpUrl('CCS_ARI_URL', pick('CCS_ARI_URL', ari.url)) ?? 'http://127.0.0.1:8088',
      user: readString('CCS_ARI_USER', pick('CCS_ARI_USER', ari.user), 'ccs'),
      password: readString('CCS_ARI_PASSWORD', pick('CCS_ARI_PASSWORD', ari.password), ''),
      app: readString('CCS_ARI_APP', pick('CCS_ARI_APP', ari.app), 'ccs'),
      dialTemplate: readString('CCS_ASTERISK_DIAL', pick('CCS_ASTERISK_DIAL', ari.dialTemplate), 'PJSIP/{number}@trunk'),
    },
    ariServers: [],
    ariServerDownSeconds: readNumber('CCS_ARI_SERVER_DOWN_SECONDS', pick('CCS_ARI_SERVER_DOWN_SECONDS', file.ariServerDownSeconds), 15, 0, 3600),
    agents: readAgents(file, env),
    agentWrapUpSeconds: readNumber('CCS_AGENT_WRAPUP_SECONDS', pick('CCS_AGENT_WRAPUP_SECONDS', file.agentWrapUpSeconds), 5, 0, 3600),
    agentMode: readEnum('CCS_AGENT_MODE', pick('CCS_AGENT_MODE', file.agentMode), ['on-answer', 'nailed-up'] as const, 'on-answer'),
    webrtc: readWebrtc(file, pick),
    stopGraceSeconds: readInt('CCS_STOP_GRACE_SECONDS', pick('CCS_STOP_GRACE_SECONDS', file.stopGraceSeconds), 20, 0, 3600),
    cluster: {
      nodeId: readString('CCS_NODE_ID', pick('CCS_NODE_ID', file.cluster?.nodeId), `${hostname()}:${port}`),
      nodeUrl: readHttpUrl('CCS_NODE_URL', pick('CCS_NODE_URL', file.cluster?.nodeUrl)) ?? null,
      leaseSeconds: readInt('CCS_LEASE_SECONDS', pick('CCS_LEASE_SECONDS', file.cluster?.leaseSeconds), 10, 2, 600),
    },
    dialer: {
      maxConcurrentCalls: readInt('CCS_MAX_CONCURRENT_CALLS', pick('CCS_MAX_CONCURRENT_CALLS', dialer.maxConcurrentCalls), 200, 1, 100_000),
      maxCallsPerSecond: readNumber('CCS_MAX_CALLS_PER_SECOND', pick('CCS_MAX_CALLS_PER_SECOND', dialer.maxCallsPerSecond), 20, 0.01, 10_000),
      abandonHoldSeconds: readNumber('CCS_ABANDON_HOLD_SECONDS', pick('CCS_ABANDON_HOLD_SECONDS', dialer.abandonHoldSeconds), 2, 0, 2),
      maxWrapUpSeconds: readInt('CCS_MAX_WRAPUP_SECONDS', pick('CCS_MAX_WRAPUP_SECONDS', dialer.maxWrapUpSeconds), 120, 0, 86_400),
      callbackGraceSeconds: readInt('CCS_CALLBACK_GRACE_SECONDS', pick('CCS_CALLBACK_GRACE_SECONDS', dialer.callbackGraceSeconds), 300, 0, 86_400),
    },
    profiles,
    defaultProfile,
    recordings: {
      dir: resolve(cwd, readString('CCS_RECORDINGS_DIR', pick('CCS_RECORDINGS_DIR', rec.dir), join(dataDir, 'recordings'))),
      linkTtlSeconds: readInt('CCS_RECORDING_LINK_TTL_DAYS', pick('CCS_RECORDING_LINK_TTL_DAYS', rec.linkTtlDays), 365, 1, 36500) * 86400,
      baseUrl: readHttpUrl('CCS_RECORDING_BASE_URL', pick('CCS_RECORDING_BASE_URL', rec.baseUrl)) ?? publicUrl,
    },
    signingSecret: readOptionalString('CCS_SIGNING_SECRET', pick('CCS_SIGNING_SECRET', file.signingSecret)),
    accounts: readAccounts(file),
    compliance: { ruleSets: readRuleSets('compliance.ruleSets', file.compliance?.ruleSets) },
  };
  config.ariServers = readAriServers(env.CCS_ARI_SERVERS, file.ariServers, config.ari);
  config.agents = assignAgentServers(config.agents, config.ariServers);
  if (config.webrtc.phone === 'browser' && config.telephony === 'asterisk' && !config.webrtc.wsUrl) {
    throw new ConfigError('CCS_WEBRTC_WS_URL', 'the browser phone needs the WebSocket URL of Asterisk (e.g. wss://pbx.example.com:8089/ws)');
  }
  if (config.simulator.answerRate + config.simulator.busyRate + config.simulator.congestionRate + config.simulator.failRate > 1) {
    throw new ConfigError('CCS_SIM_ANSWER_RATE', 'answer, busy, congestion and fail rates add up to more than 1');
  }
  const ruleSets = ruleSetRegistry(config.compliance.ruleSets);
  for (const [i, p] of [config.defaultProfile, ...config.profiles].entries()) {
    if (!ruleSets.has(p.ruleSet)) {
      throw new ConfigError(i === 0 ? 'defaultProfile.ruleSet' : `profiles[${i - 1}].ruleSet`, `unknown rule set ${JSON.stringify(p.ruleSet)}; known: ${[...ruleSets.keys()].join(', ')}`);
    }
  }
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The browser phone's settings (`CCS_WEBRTC_*`): a WebSocket URL is required once the phone is on with Asterisk. */
function readWebrtc(file: FileConfig, pick: (envName: string, fileValue: unknown) => unknown): Config['webrtc'] {
  const w = file.webrtc ?? {};
  const phone = readEnum('CCS_WEBRTC_PHONE', pick('CCS_WEBRTC_PHONE', w.phone), ['off', 'browser'] as const, 'off');
  const wsUrl = readOptionalString('CCS_WEBRTC_WS_URL', pick('CCS_WEBRTC_WS_URL', w.wsUrl));
  if (wsUrl !== null && !/^wss?:\/\/[^/\s]+/i.test(wsUrl)) throw new ConfigError('CCS_WEBRTC_WS_URL', `not a ws:// or wss:// URL: ${JSON.stringify(wsUrl)}`);
  const endpointTemplate = readString('CCS_WEBRTC_ENDPOINT_TEMPLATE', pick('CCS_WEBRTC_ENDPOINT_TEMPLATE', w.endpointTemplate), 'webrtc-{station}');
  if (!endpointTemplate.includes('{station}') || !/^[A-Za-z0-9_.{}-]+$/.test(endpointTemplate)) {
    throw new ConfigError('CCS_WEBRTC_ENDPOINT_TEMPLATE', `needs {station} and letters, digits, '-', '_', '.' only: ${JSON.stringify(endpointTemplate)}`);
  }
  const iceServers = readList('CCS_WEBRTC_ICE_SERVERS', pick('CCS_WEBRTC_ICE_SERVERS', w.iceServers));
  for (const url of iceServers) if (!/^(stuns?|turns?):/i.test(url)) throw new ConfigError('CCS_WEBRTC_ICE_SERVERS', `not a stun: or turn: URL: ${JSON.stringify(url)}`);
  const iceTransportPolicy = readEnum('CCS_WEBRTC_ICE_TRANSPORT_POLICY', pick('CCS_WEBRTC_ICE_TRANSPORT_POLICY', w.iceTransportPolicy), ['all', 'relay'] as const, 'all');
  // Relay-only ICE offers the browser's TURN relays and nothing else: without a TURN server the phone could never get media.
  if (iceTransportPolicy === 'relay' && !iceServers.some((url) => /^turns?:/i.test(url))) {
    throw new ConfigError('CCS_WEBRTC_ICE_TRANSPORT_POLICY', 'relay sends every call through TURN, but CCS_WEBRTC_ICE_SERVERS names no turn: or turns: server, so the phone could never get media');
  }
  return Object.freeze({
    phone,
    wsUrl,
    endpointTemplate,
    sipDomain: readOptionalString('CCS_WEBRTC_SIP_DOMAIN', pick('CCS_WEBRTC_SIP_DOMAIN', w.sipDomain)),
    registerSeconds: readInt('CCS_WEBRTC_REGISTER_SECONDS', pick('CCS_WEBRTC_REGISTER_SECONDS', w.registerSeconds), 300, 2, 3600),
    iceServers: Object.freeze(iceServers) as string[],
    iceTransportPolicy,
  });
}
