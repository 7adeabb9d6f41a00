/** Reading a ccs command line: each mistake is a usage error (exit code 2) naming the wrong part. */
import { describe, expect, it } from 'vitest';
import { datetimeOption, idArgument, intOption, parseCommandLine, stateOption } from '../../../src/cli/args.ts';
import { CliError } from '../../../src/cli/cli-error.ts';
import { generalHelp } from '../../../src/cli/commands.ts';

function usageErrorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('parseCommandLine', () => {
  it('finds one- and two-word commands, their arguments and options in any order', () => {
    const line = parseCommandLine(['--json', 'outbox', 'replay', '12', '--url', 'http://127.0.0.1:9000']);
    expect(line.command?.name).toBe('outbox replay');
    expect(line.args).toEqual(['12']);
    expect(line.options).toEqual({ json: true, url: 'http://127.0.0.1:9000' });
    expect(parseCommandLine(['status', '--state=running']).options.state).toBe('running');
  });

  it('shows the help for no command, --help, -h and help', () => {
    for (const argv of [[], ['--help'], ['-h'], ['help']]) expect(parseCommandLine(argv)).toMatchObject({ command: null, help: true });
    expect(parseCommandLine(['help', 'send'])).toMatchObject({ command: { name: 'send' }, help: true });
    expect(parseCommandLine(['status', '--help'])).toMatchObject({ command: { name: 'status' }, help: true });
  });

  it('suggests the nearest command for an unknown one', () => {
    expect(usageErrorOf(() => parseCommandLine(['stauts']))).toBe('unknown command "stauts"; did you mean "ccs status"? (ccs --help lists the commands)');
    expect(usageErrorOf(() => parseCommandLine(['agent']))).toContain('did you mean "ccs agents"?');
    expect(usageErrorOf(() => parseCommandLine(['frobnicate']))).toBe('unknown command "frobnicate" (ccs --help lists the commands)');
  });

  it('suggests the nearest option for an unknown one', () => {
    expect(usageErrorOf(() => parseCommandLine(['status', '--stat', 'running']))).toContain('unknown option --stat; did you mean --state?');
    expect(usageErrorOf(() => parseCommandLine(['send', 'a.csv', '--campaignid', '7']))).toContain('did you mean --campaign-id?');
  });

  it('refuses an option the command does not take, and a missing option value', () => {
    expect(usageErrorOf(() => parseCommandLine(['calls', '--state', 'x']))).toBe('calls does not take --state (see ccs calls --help)');
    expect(usageErrorOf(() => parseCommandLine(['status', '--limit']))).toBe('--limit needs a value: --limit <n>');
    expect(usageErrorOf(() => parseCommandLine(['send', 'a.csv', '--start', '--end', 'x']))).toContain('--start needs a value');
    expect(usageErrorOf(() => parseCommandLine(['status', '--json=yes']))).toBe('--json takes no value');
  });

  it('refuses too few or too many arguments with the usage of the command', () => {
    expect(usageErrorOf(() => parseCommandLine(['contacts']))).toBe('contacts takes one argument; usage: ccs contacts <campaignid> [--state pending|dialing|final] [--limit 1000]');
    expect(usageErrorOf(() => parseCommandLine(['status', '1', '2']))).toContain('status takes at most one argument, got "1" "2"');
    expect(usageErrorOf(() => parseCommandLine(['calls', 'now']))).toContain('calls takes no arguments');
  });
});

describe('argument values', () => {
  it('takes ids as whole numbers above 0 only', () => {
    expect(idArgument('campaign id', '42')).toBe(42);
    for (const bad of ['abc', '0', '-3', '4.5', '1e3', undefined]) expect(usageErrorOf(() => idArgument('campaign id', bad))).toMatch(/^campaign id must be a whole number above 0, got /);
  });

  it('checks numbers against their range', () => {
    expect(intOption({}, 'limit', 100, 1, 500)).toBe(100);
    expect(intOption({ limit: '20' }, 'limit', 100, 1, 500)).toBe(20);
    expect(usageErrorOf(() => intOption({ limit: '900' }, 'limit', 100, 1, 500))).toBe('--limit must be a whole number from 1 to 500, got "900"');
  });

  it('names the allowed states', () => {
    expect(stateOption({ state: 'running,scheduled' }, ['scheduled', 'running'], true)).toBe('running,scheduled');
    expect(usageErrorOf(() => stateOption({ state: 'done' }, ['pending', 'dialing', 'final']))).toBe('--state must be one of pending, dialing, final; got "done"');
  });

  it('takes window bounds in the contract format only', () => {
    expect(datetimeOption({ start: '2026-11-27 08:00:00' }, 'start')).toBe('2026-11-27 08:00:00');
    expect(usageErrorOf(() => datetimeOption({ start: '27/11/2026 8:00' }, 'start'))).toContain('--start must be a local time written "YYYY-MM-DD HH:MM:SS"');
  });
});

describe('help', () => {
  it('lists every command and says how ccs finds the service', () => {
    const help = generalHelp();
    for (const command of ['serve', 'send', 'demo-campaign', 'close', 'status', 'contacts', 'attempts', 'calls', 'agents', 'outbox stats', 'outbox replay', 'crm-receiver', 'hash-password']) {
      expect(help).toContain(`ccs ${command}`);
    }
    expect(help).toContain('--url, else CCS_URL, else http://127.0.0.1:<port> with the port of');
  });
});
