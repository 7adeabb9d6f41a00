/**
 * The validated, frozen configuration of one CCS process. Built by `loadConfig` from the
 * config file and environment overrides; nothing else reads `process.env`.
 */
import type { AccountsConfig } from '../auth/accounts.ts';
import type { RuleSet } from '../compliance/rule-sets.ts';
import type { Profile } from '../domain/profile.ts';

export type TelephonyKind = 'simulator' | 'asterisk';
export type AgentMode = 'on-answer' | 'nailed-up';

export interface AgentSetting {
  agentCode: string;
  stationId: string;
  endpoint?: string;
  group: string;
  /** The Asterisk server the agent's phone is on (`ariServers[].name`); unset: found when it comes online. */
  server?: string;
}

/** One Asterisk server CCS drives (`ariServers` / `CCS_ARI_SERVERS`). */
export interface AriServerSetting {
  name: string;
  url: string;
  user: string;
  password: string;
  app: string;
  /** Customer dial string on this server, `{number}` replaced by the number. */
  dialTemplate: string;
  /** Most customer legs up at once on this server (0 = no limit of its own). */
  channelLimit: number;
  /** Agent codes whose phones are on this server. */
  agents: string[];
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string;
  /** PostgreSQL: connections this process keeps open at most (its share of the server's max_connections). */
  databasePoolSize: number;
  timeZone: string;
  bodyLimitBytes: number;
  logLevel: string;
  crm: {
    updateUrl: string | null;
    finishUrl: string | null;
    timeoutMs: number;
    maxAgeMs: number;
    hmacSecret: string | null;
    concurrency: number;
    /** Adds `disposition` and `note` to updateCampaign (off: the contract's 13 fields exactly). */
    extraFields: boolean;
    /** Delivered callbacks older than this are deleted (0 keeps them for ever); pending and dead ones never are. */
    keepDeliveredDays: number;
  };
  api: {
    /** When set, CRM endpoints require header `X-API-Key` with this value. */
    key: string | null;
    /** When non-empty, CRM endpoints only answer these addresses / CIDR ranges. */
    allowIps: string[];
  };
  operatorToken: string | null;
  /** Without a token, local command-line clients may use /ops (`CCS_OPERATOR_LOCAL`; turn off behind a proxy). */
  operatorLocal: boolean;
  /** Hosts the agent desktop's framing check may ask (`CCS_FRAME_PROBE_HOSTS`); empty: any host with public addresses only. */
  frameProbeHosts: string[];
  telephony: TelephonyKind;
  simulator: {
    seed: number;
    agents: number;
    answerRate: number;
    busyRate: number;
    congestionRate: number;
    failRate: number;
    ringSeconds: { min: number; max: number };
    talkSeconds: { min: number; max: number };
    wrapUpSeconds: number;
  };
  ari: {
    url: string;
    user: string;
    password: string;
    app: string;
    dialTemplate: string;
  };
  /** Every Asterisk server (docs/asterisk.md, "Several Asterisk servers"); the single-server settings make a list of one. */
  ariServers: AriServerSetting[];
  /** Seconds a server may be unreachable before its calls are reported ended and its agents leave the floor for good. */
  ariServerDownSeconds: number;
  agents: AgentSetting[];
  agentMode: AgentMode;
  /** The agent's phone in the browser (docs/asterisk.md, "The phone in the browser"). */
  webrtc: WebrtcSettings;
  /** Wrap-up of agents configured for unattended operation (`CCS_AGENTS`), after which they are ready again. */
  agentWrapUpSeconds: number;
  /** On SIGTERM: seconds the calls in progress get to end and be reported before the process stops. */
  stopGraceSeconds: number;
  /** Several nodes on one PostgreSQL database (docs/deployment.md); ignored on SQLite. */
  cluster: {
    /** This node's name in the cluster: `CCS_NODE_ID`, by default host name and port. */
    nodeId: string;
    /**
     * Where the other nodes reach this one (`CCS_NODE_URL`), kept with its heartbeat; null:
     * `http://<CCS_HOST, or the host name when it binds every address>:<port>`.
     */
    nodeUrl: string | null;
    /** How long a dialing node's lease on an agent group lasts without renewal: `CCS_LEASE_SECONDS`. */
    leaseSeconds: number;
  };
  dialer: {
    maxConcurrentCalls: number;
    maxCallsPerSecond: number;
    /** Seconds an answered customer may wait for an agent before the abandon message (the 2-second rule). */
    abandonHoldSeconds: number;
    /** Seconds a human agent may stay in wrap-up before returning to ready on their own. */
    maxWrapUpSeconds: number;
    /** Seconds a personal callback is kept for its agent before anyone may take it. */
    callbackGraceSeconds: number;
  };
  profiles: Profile[];
  defaultProfile: Profile;
  recordings: {
    dir: string;
    linkTtlSeconds: number;
    /** Base of `link_down_record`; defaults to `publicUrl`. */
    baseUrl: string;
  };
  /** Secret that signs recording links; read from the data dir when not configured. */
  signingSecret: string | null;
  /** Who may sign in to the web UI (`accounts` in the config file; demo accounts when none). */
  accounts: AccountsConfig;
  /** Compliance rule sets defined in the config file, beside the built-in ones. */
  compliance: { ruleSets: RuleSet[] };
}

export interface WebrtcSettings {
  /** `off`: agents use phones the PBX knows; `browser`: the desk is the agent's phone (`CCS_WEBRTC_PHONE`). */
  phone: 'off' | 'browser';
  /** Asterisk's SIP-over-WebSocket address the browser registers to, e.g. `wss://pbx.example.com:8089/ws`. */
  wsUrl: string | null;
  /** The PJSIP endpoint of a desk's phone, `{station}` replaced by the desk's station (`CCS_WEBRTC_ENDPOINT_TEMPLATE`). */
  endpointTemplate: string;
  /** SIP domain of the phones' URIs; by default the WebSocket URL's host. */
  sipDomain: string | null;
  /** Seconds a registration lasts before the phone renews it (`CCS_WEBRTC_REGISTER_SECONDS`). */
  registerSeconds: number;
  /** STUN/TURN servers handed to the browser (`CCS_WEBRTC_ICE_SERVERS`, `turn:user:pass@host:3478` form allowed). */
  iceServers: string[];
  /** `all`: ICE may use any path; `relay`: media goes through the TURN servers only (`CCS_WEBRTC_ICE_TRANSPORT_POLICY`). */
  iceTransportPolicy: 'all' | 'relay';
}
