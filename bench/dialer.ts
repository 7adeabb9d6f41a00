/**
 * The dialer in virtual time: one 10,000-contact campaign on the simulated call floor with 100
 * agents (the floor's default customer mix: 45 % answer, ring and talk times drawn, 2-minute
 * mean conversations, 3 attempts 30 minutes apart), run by the real engine on a VirtualClock
 * until finishCampaign. Measured: wall-clock seconds per simulated hour and CPU per call
 * (process.cpuUsage), on SQLite (a temp file) and, as the baseline in the same run, on the
 * in-memory store: the same engine and telephony events, no storage. The ratio is what
 * storage costs the dialer. Prints; never asserts.
 *
 *   npx tsx bench/dialer.ts [contacts] [agents]
 */
import { pathToFileURL } from 'node:url';
import { contactsFor, HOUR, MINUTE, startEngineHarness, T0, type HarnessDialect } from '../test/support/engine-harness.ts';

export interface DialerBenchOptions {
  contacts?: number;
  agents?: number;
  log?: (line: string) => void;
}

export interface DialerRunFigures {
  store: HarnessDialect;
  calls: number;
  answeredContacts: number;
  finishStatus: string;
  simulatedHours: number;
  wallSeconds: number;
  wallSecondsPerSimulatedHour: number;
  cpuMsPerCall: number;
}

export interface DialerBenchResult {
  contacts: number;
  agents: number;
  sqlite: DialerRunFigures;
  memory: DialerRunFigures;
  /** SQLite seconds per simulated hour / memory's: 1 means storage costs nothing. */
  ratio: number;
  /** The same for CPU per call (steadier on a shared machine). */
  cpuRatio: number;
  line: string;
}

const CAMPAIGN = 1;

async function runOnce(store: HarnessDialect, contacts: number, agents: number): Promise<DialerRunFigures> {
  const h = await startEngineHarness({
    dialect: store,
    fallback: null, // customers behave as the floor draws them
    sim: { seed: 2026, agents, wrapUpSeconds: 10, recordingSeconds: 2, ringingDelayMs: { min: 100, max: 500 }, talkSeconds: { kind: 'lognormal', mean: 120, sigma: 0.6 } },
    defaultProfile: { ringTimeoutSeconds: 25, retry: { maxAttempts: 3, delaySeconds: 1800 } },
    settings: { maxConcurrentCalls: 1000, maxCallsPerSecond: 50 },
  });
  try {
    const numbers = Array.from({ length: contacts }, (_, i) => `09${String(10_000_000 + i).padStart(8, '0')}`);
    await h.sendCampaign({ id: CAMPAIGN, startsAt: T0, endsAt: T0 + 24 * HOUR, contacts: contactsFor(numbers) });
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await h.runUntilFinished(CAMPAIGN, 24 * HOUR, 10 * MINUTE);
    const wallSeconds = (performance.now() - wall) / 1000;
    const used = process.cpuUsage(cpu);
    const finished = h.finished.get(CAMPAIGN);
    const finish = await h.finishPayload(CAMPAIGN);
    const simulatedHours = ((finished?.at ?? h.clock.now()) - T0) / HOUR;
    const calls = h.placed.length;
    return {
      store,
      calls,
      answeredContacts: finish?.contact_success ?? 0,
      finishStatus: finished?.status ?? 'not finished',
      simulatedHours,
      wallSeconds,
      wallSecondsPerSimulatedHour: wallSeconds / simulatedHours,
      cpuMsPerCall: (used.user + used.system) / 1000 / Math.max(1, calls),
    };
  } finally {
    await h.close();
  }
}

const f = (n: number, digits = 2) => n.toFixed(digits);

export async function runDialerBench(options: DialerBenchOptions = {}): Promise<DialerBenchResult> {
  const contacts = options.contacts ?? 10_000;
  const agents = options.agents ?? 100;
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const describe = (r: DialerRunFigures) =>
    `${r.store}: ${r.calls} calls, ${r.answeredContacts} contacts reached, ${r.finishStatus} after ${f(r.simulatedHours)} simulated h in ${f(r.wallSeconds, 1)} s wall ` +
    `(${f(r.wallSecondsPerSimulatedHour)} s/sim-h, ${f(r.cpuMsPerCall, 3)} ms CPU/call)`;

  const memory = await runOnce('memory', contacts, agents);
  log(describe(memory));
  const sqlite = await runOnce('sqlite', contacts, agents);
  log(describe(sqlite));
  const ratio = sqlite.wallSecondsPerSimulatedHour / memory.wallSecondsPerSimulatedHour;
  const cpuRatio = sqlite.cpuMsPerCall / memory.cpuMsPerCall;
  const line =
    `dialer: ${contacts} contacts, ${agents} agents, ${f(sqlite.simulatedHours)} simulated h, ` +
    `sqlite ${f(sqlite.wallSecondsPerSimulatedHour)} s/sim-h (${f(sqlite.cpuMsPerCall, 3)} ms CPU/call), ` +
    `memory baseline ${f(memory.wallSecondsPerSimulatedHour)} s/sim-h (${f(memory.cpuMsPerCall, 3)} ms CPU/call), ` +
    `ratio ${f(ratio)} (CPU ratio ${f(cpuRatio)})`;
  log(line);
  return { contacts, agents, sqlite, memory, ratio, cpuRatio, line };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const contacts = process.argv[2] ? Number(process.argv[2]) : undefined;
  const agents = process.argv[3] ? Number(process.argv[3]) : undefined;
  await runDialerBench({ contacts, agents });
}
