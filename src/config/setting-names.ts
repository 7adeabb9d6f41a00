/**
 * Which `CCS_*` environment variables mean something, and which set ones do not. The known
 * names are not listed by hand: they are the names `loadConfig` (the service) and
 * `loadClientConfig` (the `ccs` command line) read, found by letting both read an empty
 * environment that records every name asked for. A setting added there is known here at once.
 * An unknown name is reported at start-up with the nearest known one, so a typo such as
 * `CCS_TIME_ZONE` (for `CCS_TIMEZONE`) is never silently ignored.
 */
import { loadClientConfig } from './client-config.ts';
import { loadConfig } from './load-config.ts';

type Env = Record<string, string | undefined>;

/** Read by the test suite (see README, "Tests") and the benchmarks, not by the service or `ccs`. */
const TEST_SUITE_SETTINGS = ['CCS_TEST_POSTGRES_URL', 'CCS_ASTERISK_RESTART', 'CCS_LIVE_NUMBER_PREFIX', 'CCS_LIVE_CUSTOMER_DIAL', 'CCS_LIVE_SUPERVISOR', 'CCS_LIVE_WEBRTC_WS_URL', 'CCS_LIVE_TALKING_CUSTOMER_DIAL', 'CCS_LIVE_RECORDINGS_DIR', 'CCS_LIVE_CHROMIUM_ARGS', 'CCS_BENCH_POSTGRES_URL', 'CCS_LIVE_ARI_SERVERS', 'CCS_LIVE_KILL_SERVER', 'CCS_LIVE_START_SERVER', 'CCS_BENCH_ARI_URL', 'CCS_BENCH_ARI_USER', 'CCS_BENCH_ARI_PASSWORD', 'CCS_BENCH_AGENTS', 'CCS_BENCH_ASTERISK_PID', 'CCS_BENCH_DIAL'];

/** A folder with no `ccs.config.json`, so the readers see built-in defaults only. */
const NO_CONFIG_DIR = '/nonexistent-ccs-config-dir';

let known: readonly string[] | null = null;

/** Every `CCS_*` name the service, the command line or the test suite reads, sorted. */
export function knownSettingNames(): readonly string[] {
  if (known) return known;
  const read = new Set<string>(TEST_SUITE_SETTINGS);
  const recorder = new Proxy({} as Env, {
    get(_target, name) {
      if (typeof name === 'string' && name.startsWith('CCS_')) read.add(name);
      return undefined;
    },
  });
  loadConfig(recorder, NO_CONFIG_DIR);
  loadClientConfig({}, recorder, NO_CONFIG_DIR);
  known = Object.freeze([...read].sort());
  return known;
}

export interface UnknownSetting {
  name: string;
  /** The nearest known name, when one is close enough to be the intended one. */
  suggestion: string | null;
}

/** The `CCS_*` variables set in `env` (the process's environment by default) that nothing reads. */
export function unknownSettings(env: Env = process.env): UnknownSetting[] {
  const names = knownSettingNames();
  return Object.keys(env)
    .filter((name) => name.startsWith('CCS_') && !names.includes(name))
    .sort()
    .map((name) => ({ name, suggestion: nearest(name, names) }));
}

export function unknownSettingMessage(setting: UnknownSetting): string {
  return `${setting.name} is not a CCS setting and is ignored${setting.suggestion ? `; did you mean ${setting.suggestion}?` : ''}`;
}

function nearest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // Beyond a few edits (or a third of the name after CCS_) it is a different word, not a typo.
  return bestDistance <= Math.max(2, Math.min(4, Math.floor((name.length - 4) / 3))) ? best : null;
}

/** Levenshtein distance: insertions, deletions and substitutions cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
