/**
 * `ccs serve` / `npm start`: loads the configuration, starts the service and stops it
 * gracefully on SIGTERM/SIGINT (no new calls or requests; calls and callbacks in flight
 * finish or stay safely in the store).
 */
import { ConfigError } from './config/config-error.ts';
import { loadConfig } from './config/load-config.ts';
import { unknownSettingMessage, unknownSettings } from './config/setting-names.ts';
import { createLogger } from './observability/logger.ts';
import { redactUrl } from './observability/redact-url.ts';
import { createService } from './service.ts';

export async function serve(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  // Last resort: a promise rejected with no handler is a fault to log, not a reason to drop
  // every call in progress (Node's default is to exit). The engine handles its own failures.
  process.on('unhandledRejection', (reason) => logger.error({ err: String((reason as Error)?.stack ?? reason) }, 'unhandled promise rejection'));
  // A mistyped setting would otherwise be ignored without a word.
  const unknown = unknownSettings();
  for (const setting of unknown) logger.warn({ setting: setting.name, suggestion: setting.suggestion }, unknownSettingMessage(setting));
  const service = await createService(config, { logger });
  let url: string;
  try {
    url = await service.start();
  } catch (error) {
    const problem = listenProblem(error, config.port, config.host);
    if (!problem) throw error;
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `\nCCS is running at ${url}\n` +
      `  Web UI:    ${url}/${config.accounts.demo ? '  (demo accounts: admin/admin, supervisor/supervisor, agent1/agent1)' : ''}\n` +
      `  API docs:  ${url}/docs\n` +
      `  Telephony: ${config.telephony}${config.telephony === 'simulator' ? ` (${config.simulator.agents} simulated agents)` : ''}\n` +
      `  CRM:       ${config.crm.updateUrl ? redactUrl(config.crm.updateUrl.replace(/\/api\/updateCampaign$/, '')) : 'not configured (set CCS_CRM_URL; callbacks wait in the outbox)'}\n` +
      unknown.map((setting) => `  Warning:   ${unknownSettingMessage(setting)}\n`).join('') +
      '\n',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, stopping\n`);
    // The engine's grace for calls in progress, then time to deliver and close.
    const force = setTimeout(() => process.exit(1), (config.stopGraceSeconds + 15) * 1000);
    force.unref();
    service.stop({ graceSeconds: config.stopGraceSeconds }).then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** One line for a port CCS cannot listen on, naming the setting to change; null for other failures. */
export function listenProblem(error: unknown, port: number, host: string): string | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const change = 'set CCS_PORT to a free port (or "port" in the config file)';
  if (code === 'EADDRINUSE') return `cannot start CCS: port ${port} is already in use on ${host}; stop the program using it, or ${change}`;
  if (code === 'EACCES') return `cannot start CCS: not allowed to listen on port ${port}; ${change} above 1023`;
  if (code === 'EADDRNOTAVAIL') return `cannot start CCS: ${host} is not an address of this machine; set CCS_HOST (or "host" in the config file)`;
  return null;
}
