/**
 * Reads a `ccs` command line against the command table: which command, its arguments and its
 * options, each checked so a mistake is reported as one line naming the wrong part.
 */
import { isContractDatetime } from '../domain/local-time.ts';
import { usageError } from './cli-error.ts';
import { COMMANDS, OPTIONS, type CommandSpec, type OptionName, type OptionSpec } from './commands.ts';
import { nearest } from './nearest.ts';

export type Options = Partial<Record<OptionName, string | true>>;

export interface CommandLine {
  /** Null when no command was given (`ccs`, `ccs --help`). */
  command: CommandSpec | null;
  args: string[];
  options: Options;
  help: boolean;
}

const isOptionName = (name: string): name is OptionName => Object.hasOwn(OPTIONS, name);

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const words: string[] = [];
  const options: Options = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-h') {
      options.help = true;
      continue;
    }
    if (!token.startsWith('--') || token === '-') {
      if (/^-[^\d]/.test(token)) throw usageError(`unknown option ${token}; options are written --name (see ccs --help)`);
      words.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    if (!isOptionName(name)) {
      const guess = nearest(name, Object.keys(OPTIONS));
      throw usageError(`unknown option --${name}${guess ? `; did you mean --${guess}?` : ''} (see ccs --help)`);
    }
    const spec: OptionSpec = OPTIONS[name];
    if (!spec.value) {
      if (eq !== -1) throw usageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = eq !== -1 ? token.slice(eq + 1) : argv[i + 1];
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw usageError(`--${name} needs a value: --${name} ${spec.value}`);
    if (eq === -1) i++;
    options[name] = value;
  }

  const help = options.help === true;
  if (words[0] === 'help') return { command: words[1] ? findCommand(words.slice(1)).command : null, args: [], options, help: true };
  if (words.length === 0) return { command: null, args: [], options, help: true };
  const { command, args } = findCommand(words);
  if (help) return { command, args, options, help };

  for (const name of Object.keys(options) as OptionName[]) {
    if (name !== 'help' && !command.options.includes(name)) throw usageError(`${command.name} does not take --${name} (see ccs ${command.name} --help)`);
  }
  const [min, max] = command.args;
  if (args.length < min || args.length > max) {
    const what = max === 0 ? 'no arguments' : min === max ? `${min === 1 ? 'one argument' : `${min} arguments`}` : `at most ${max === 1 ? 'one argument' : `${max} arguments`}`;
    throw usageError(`${command.name} takes ${what}${args.length ? `, got ${args.map((a) => JSON.stringify(a)).join(' ')}` : ''}; usage: ccs ${command.name} ${command.usage}`.trimEnd());
  }
  return { command, args, options, help };
}

function findCommand(words: readonly string[]): { command: CommandSpec; args: string[] } {
  const two = words.slice(0, 2).join(' ');
  const pair = COMMANDS.find((c) => c.name === two);
  if (pair) return { command: pair, args: words.slice(2) };
  const one = COMMANDS.find((c) => c.name === words[0]);
  if (one) return { command: one, args: words.slice(1) };
  const firstWords = [...new Set(COMMANDS.map((c) => c.name.split(' ')[0]!))];
  const guess = nearest(words[0]!, firstWords);
  throw usageError(`unknown command "${words[0]}"${guess ? `; did you mean "ccs ${guess}"?` : ''} (ccs --help lists the commands)`);
}

/** A campaign, contact or callback id: a whole number above 0. */
export function idArgument(what: string, value: string | undefined): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw usageError(`${what} must be a whole number above 0, got ${JSON.stringify(value ?? '')}`);
  return n;
}

export function intOption(options: Options, name: OptionName, fallback: number, min: number, max: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

export function numberOption(options: Options, name: OptionName, fallback: number, min: number, max: number): number {
  const raw = options[name];
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw usageError(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/** A state filter; `several` allows a comma-separated list. */
export function stateOption(options: Options, allowed: readonly string[], several = false): string | undefined {
  const raw = options.state;
  if (raw === undefined || raw === true) return undefined;
  const states = several ? raw.split(',').map((s) => s.trim()) : [raw];
  const wrong = states.find((s) => !allowed.includes(s));
  if (wrong !== undefined) throw usageError(`--state must be ${several ? 'one or more of' : 'one of'} ${allowed.join(', ')}; got ${JSON.stringify(wrong)}`);
  return states.join(',');
}

/** A window bound in the contract's format, local time. */
export function datetimeOption(options: Options, name: 'start' | 'end'): string | undefined {
  const raw = options[name];
  if (raw === undefined || raw === true) return undefined;
  if (!isContractDatetime(raw.trim())) throw usageError(`--${name} must be a local time written "YYYY-MM-DD HH:MM:SS", e.g. "2026-11-27 08:00:00"; got ${JSON.stringify(raw)}`);
  return raw.trim();
}
