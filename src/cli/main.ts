/**
 * The `ccs` command line. `serve` runs the service; most other commands talk to a running
 * service over HTTP and print tables for people (`--json` for the JSON). Each command's code
 * is loaded only when that command runs, so `ccs status` starts without the service's modules.
 * Every failure is one line on stderr and a non-zero exit code (2: the command line is wrong).
 */
import { ConfigError } from '../config/config-error.ts';
import { intOption, numberOption, parseCommandLine } from './args.ts';
import { CliError } from './cli-error.ts';
import type { CommandContext } from './command-context.ts';
import { commandHelp, generalHelp, type CommandSpec } from './commands.ts';

type Runner = (ctx: CommandContext) => Promise<void>;

const campaign = () => import('./commands/campaign-commands.ts');
const floor = () => import('./commands/floor-commands.ts');

const REMOTE_RUNNERS: Record<string, () => Promise<Runner>> = {
  send: async () => (await campaign()).send,
  'demo-campaign': async () => (await campaign()).demoCampaign,
  close: async () => (await campaign()).close,
  pause: async () => (await import('./commands/control-commands.ts')).pause,
  resume: async () => (await import('./commands/control-commands.ts')).resume,
  status: async () => (await campaign()).status,
  contacts: async () => (await campaign()).contacts,
  attempts: async () => (await campaign()).attempts,
  calls: async () => (await floor()).calls,
  agents: async () => (await floor()).agents,
  cluster: async () => (await floor()).cluster,
  outbox: async () => (await floor()).outbox,
  'outbox stats': async () => (await floor()).outboxStats,
  'outbox replay': async () => (await floor()).outboxReplay,
  report: async () => (await import('./commands/report-command.ts')).report,
};

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** Runs one command line; resolves to the exit code (servers started by `serve` and `crm-receiver` keep running). */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    await run(argv, io);
    return 0;
  } catch (error) {
    io.err(`ccs: ${oneLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : error instanceof ConfigError ? 2 : 1;
  }
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'failed without a message';
}

async function run(argv: string[], io: Io): Promise<void> {
  const line = parseCommandLine(argv);
  if (line.help || !line.command) {
    io.out(`${line.command ? commandHelp(line.command) : generalHelp()}\n`);
    return;
  }
  const { command, args, options } = line;
  if (command.remote) return runRemote(command, args, options, io);
  switch (command.name) {
    case 'serve': {
      const { serve } = await import('../main.ts');
      return serve();
    }
    case 'hash-password': {
      const { hashPasswordCommand } = await import('../auth/hash-password.ts');
      return hashPasswordCommand(args, (l) => io.out(`${l}\n`));
    }
    case 'crm-receiver': {
      const port = intOption(options, 'port', 9090, 1, 65_535);
      const fail = numberOption(options, 'fail', 0, 0, 1);
      const { listenCrmReceiver } = await import('./commands/crm-receiver-command.ts');
      await listenCrmReceiver(port, fail);
      io.out(`stand-in CRM listening on http://127.0.0.1:${port} (start CCS with CCS_CRM_URL=http://127.0.0.1:${port})\n`);
      return;
    }
    default:
      throw new CliError(`ccs ${command.name} is not implemented`);
  }
}

async function runRemote(command: CommandSpec, args: string[], options: CommandContext['options'], io: Io): Promise<void> {
  const { loadClientConfig } = await import('../config/client-config.ts');
  const { serviceClient } = await import('./service-client.ts');
  const { unknownSettings, unknownSettingMessage } = await import('../config/setting-names.ts');
  // A mistyped CCS_URL or CCS_PORT would otherwise send ccs to the default port without a word.
  for (const setting of unknownSettings()) io.err(`ccs: warning: ${unknownSettingMessage(setting)}\n`);
  const url = options.url;
  if (typeof url === 'string' && !/^https?:\/\/[^/\s]+/i.test(url)) throw new CliError(`--url must be an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(url)}`, 2);
  const base = loadClientConfig(typeof url === 'string' ? { url } : {});
  const config = typeof options.token === 'string' ? { ...base, operatorToken: options.token } : base;
  const json = options.json === true;
  const ctx: CommandContext = {
    args,
    options,
    config,
    client: serviceClient(config),
    show: (data, text) => io.out(`${json ? JSON.stringify(data, null, 2) : text()}\n`),
  };
  const runner = await REMOTE_RUNNERS[command.name]!();
  await runner(ctx);
}
