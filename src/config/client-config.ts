/**
 * What the `ccs` command line needs to talk to a running CCS, read from the same places as the
 * service's own settings (the config file, then the environment) so that `ccs` run from the
 * folder where CCS runs finds it without options:
 *
 *   service URL   `--url`, else `CCS_URL`, else http://<host>:<port> with the port of
 *                 `CCS_PORT`, else the config file's `port`, else 8080
 *   credentials   `CCS_OPERATOR_TOKEN` / `operatorToken` (/ops), `CCS_API_KEY` / `api.key` (/api)
 *   time zone     `CCS_TIMEZONE` / `timeZone`, for printing times
 *
 * Only these settings are read: a problem elsewhere in the config file does not stop `ccs status`.
 */
import { assertValidTimeZone } from '../domain/local-time.ts';
import { ConfigError } from './config-error.ts';
import { readFileConfig } from './load-config.ts';
import { readHttpUrl, readInt, readOptionalString, readString } from './readers.ts';

type Env = Record<string, string | undefined>;

export interface ClientConfig {
  /** Base URL of the service, without a trailing slash. */
  serviceUrl: string;
  /** Where `serviceUrl` came from, for messages: `--url`, `CCS_URL`, `CCS_PORT`, the config file or the default. */
  serviceUrlFrom: string;
  operatorToken: string | null;
  apiKey: string | null;
  timeZone: string;
  /** The CRM that serves the contact pages of demo campaigns (`CCS_CRM_URL`, else the stand-in CRM's default). */
  crmUrl: string;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]']);

export function loadClientConfig(options: { url?: string } = {}, env: Env = process.env, cwd: string = process.cwd()): ClientConfig {
  const { file, path } = readFileConfig(env, cwd);
  const pick = (envName: string, fileValue: unknown) => (env[envName] !== undefined && env[envName] !== '' ? env[envName] : fileValue);

  const timeZone = readString('CCS_TIMEZONE', pick('CCS_TIMEZONE', file.timeZone), 'Asia/Ho_Chi_Minh');
  try {
    assertValidTimeZone(timeZone);
  } catch {
    throw new ConfigError('CCS_TIMEZONE', `unknown time zone ${JSON.stringify(timeZone)}`);
  }
  const common = {
    operatorToken: readOptionalString('CCS_OPERATOR_TOKEN', pick('CCS_OPERATOR_TOKEN', file.operatorToken)),
    apiKey: readOptionalString('CCS_API_KEY', pick('CCS_API_KEY', file.api?.key)),
    timeZone,
    crmUrl: readHttpUrl('CCS_CRM_URL', pick('CCS_CRM_URL', file.crm?.url)) ?? 'http://127.0.0.1:9090',
  };

  if (options.url !== undefined) return { ...common, serviceUrl: readHttpUrl('--url', options.url) ?? '', serviceUrlFrom: '--url' };
  const fromEnv = readHttpUrl('CCS_URL', env.CCS_URL);
  if (fromEnv) return { ...common, serviceUrl: fromEnv, serviceUrlFrom: 'CCS_URL' };

  const port = readInt('CCS_PORT', pick('CCS_PORT', file.port), 8080, 1, 65535);
  const portFrom = env.CCS_PORT ? 'CCS_PORT' : file.port !== undefined && path ? `"port" in ${path}` : 'the default port';
  // The service listens on every interface by default; a specific bind address is where to find it.
  const bind = readString('CCS_HOST', pick('CCS_HOST', file.host), '').trim();
  const host = WILDCARD_HOSTS.has(bind) ? '127.0.0.1' : bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind;
  return { ...common, serviceUrl: `http://${host}:${port}`, serviceUrlFrom: portFrom };
}
