/**
 * The Asterisk servers CCS drives: `ariServers` in the config file or `CCS_ARI_SERVERS` in the
 * environment (a JSON list of the same objects), else one server from the single-server
 * settings (`CCS_ARI_URL`, `CCS_ARI_USER`, `CCS_ARI_PASSWORD`, `CCS_ARI_APP`,
 * `CCS_ASTERISK_DIAL`), which stay valid as a list of one. A server may list the agents whose
 * phones are on it (`agents`: agent codes); an agent may also name its server (`server`).
 */
import type { AgentSetting, AriServerSetting } from './config.ts';
import { ConfigError } from './config-error.ts';
import { readHttpUrl, readInt, readString } from './readers.ts';

type Single = Omit<AriServerSetting, 'name' | 'channelLimit' | 'agents'>;

const NAME = /^[A-Za-z0-9_.-]{1,40}$/;

/** The server list; `single` is the one-server form, used when no list is given. */
export function readAriServers(envValue: string | undefined, fileValue: unknown, single: Single): AriServerSetting[] {
  let raw: unknown = fileValue;
  let setting = 'ariServers';
  if (envValue !== undefined && envValue.trim() !== '') {
    setting = 'CCS_ARI_SERVERS';
    try {
      raw = JSON.parse(envValue);
    } catch (error) {
      throw new ConfigError(setting, `not JSON: ${(error as Error).message} (expected [{"name":"a","url":"http://…:8088",…}])`);
    }
  }
  if (raw === undefined || raw === null) return [{ name: 'asterisk', channelLimit: 0, agents: [], ...single }];
  if (!Array.isArray(raw) || raw.length === 0) throw new ConfigError(setting, 'expected a non-empty list of servers');
  const servers = raw.map((entry: any, i: number): AriServerSetting => {
    const at = `${setting}[${i}]`;
    if (!entry || typeof entry !== 'object') throw new ConfigError(at, 'expected an object');
    const name = readString(`${at}.name`, entry.name, '');
    if (!NAME.test(name)) throw new ConfigError(`${at}.name`, `needs a plain name (letters, digits, '-', '_', '.'), got ${JSON.stringify(entry.name)}`);
    const url = readHttpUrl(`${at}.url`, entry.url);
    if (!url) throw new ConfigError(`${at}.url`, 'needs the URL of Asterisk’s HTTP server, e.g. http://10.0.0.5:8088');
    const dialTemplate = readString(`${at}.dialTemplate`, entry.dialTemplate, single.dialTemplate);
    if (!dialTemplate.includes('{number}')) throw new ConfigError(`${at}.dialTemplate`, `needs {number}: ${JSON.stringify(dialTemplate)}`);
    const agents = entry.agents === undefined ? [] : entry.agents;
    if (!Array.isArray(agents) || agents.some((a: unknown) => typeof a !== 'string' || a === '')) throw new ConfigError(`${at}.agents`, 'expected a list of agent codes');
    return {
      name,
      url,
      user: readString(`${at}.user`, entry.user, single.user),
      password: readString(`${at}.password`, entry.password, single.password),
      app: readString(`${at}.app`, entry.app, single.app),
      dialTemplate,
      channelLimit: readInt(`${at}.channelLimit`, entry.channelLimit, 0, 0, 100_000),
      agents: [...agents],
    };
  });
  const names = new Set<string>();
  for (const s of servers) {
    if (names.has(s.name)) throw new ConfigError(setting, `server ${s.name} is listed twice`);
    names.add(s.name);
  }
  return servers;
}

/**
 * Each agent's server: its own `server`, else the server that lists it, else none (found when
 * its phone comes online). A name no server has, or two servers for one agent, fail start-up.
 */
export function assignAgentServers(agents: AgentSetting[], servers: AriServerSetting[]): AgentSetting[] {
  const listedBy = new Map<string, string>();
  for (const s of servers) {
    for (const code of s.agents) {
      const other = listedBy.get(code);
      if (other && other !== s.name) throw new ConfigError('ariServers', `agent ${code} is listed by both ${other} and ${s.name}`);
      listedBy.set(code, s.name);
    }
  }
  const names = new Set(servers.map((s) => s.name));
  return agents.map((a) => {
    const listed = listedBy.get(a.agentCode);
    if (a.server !== undefined && !names.has(a.server)) throw new ConfigError('agents', `agent ${a.agentCode}: no Asterisk server named ${a.server}`);
    if (a.server !== undefined && listed !== undefined && listed !== a.server) throw new ConfigError('agents', `agent ${a.agentCode} names server ${a.server} but ${listed} lists it`);
    const server = a.server ?? listed;
    return server === undefined ? a : { ...a, server };
  });
}
