/**
 * Pacing benchmark: the engine's dialer on the simulated call floor, in virtual time, with the
 * in-memory store — progressive 1:1, a VICIdial-style adaptive dial level and predictive
 * pacing, on the same scenarios and seeds. Prints a table and the goal checks, writes the
 * results and a chart into docs/pacing.md (full suite, or with --docs), and ends with the
 * 20-agent, 0.35 answer rate, 60 s scenario in one line.
 *
 *   npx tsx bench/pacing.ts                 full suite: 18 scenarios × 3 algorithms × 2 seeds, 4 h each
 *   npx tsx bench/pacing.ts --quick         the 20-agent, 0.35, 60 s scenario, one seed
 *   options: --agents=5,20 --answer=0.35 --talk=60 --seeds=3 --hours=4 --jobs=2 --docs --no-docs
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { occupancyChart } from './pacing/chart.ts';
import { consoleTable, headline, markdownResults } from './pacing/report.ts';
import { runSuite } from './pacing/run-suite.ts';
import { ALGORITHMS, SUITE, sameScenario, scenarioName, type Job } from './pacing/scenarios.ts';
import { summarize } from './pacing/summary.ts';

const DOC = fileURLToPath(new URL('../docs/pacing.md', import.meta.url));
const CHART = fileURLToPath(new URL('../docs/pacing-occupancy-abandon.svg', import.meta.url));
const START = '<!-- pacing-results:start -->';
const END = '<!-- pacing-results:end -->';
const CAP = 0.03;

function parseArgs(argv: string[]) {
  const flags = new Map<string, string | true>();
  for (const arg of argv) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}`);
    flags.set(m[1]!, m[2] ?? true);
  }
  const list = (name: string, fallback: number[]) => {
    const v = flags.get(name);
    return typeof v === 'string' ? v.split(',').map(Number) : fallback;
  };
  const quick = flags.has('quick');
  const seeds = Number(flags.get('seeds') ?? (quick ? 1 : 2));
  const options = {
    agents: list('agents', quick ? [20] : SUITE.agents),
    answerRates: list('answer', quick ? [0.35] : SUITE.answerRates),
    talkMeans: list('talk', quick ? [60] : SUITE.talkMeans),
    seeds: Array.from({ length: seeds }, (_, i) => i + 1),
    hours: Number(flags.get('hours') ?? 4),
    parallel: Number(flags.get('jobs') ?? 2),
  };
  const full =
    !quick && !flags.has('agents') && !flags.has('answer') && !flags.has('talk') && !flags.has('hours') && seeds >= 2;
  const docs = flags.has('docs') || (full && !flags.has('no-docs'));
  return { ...options, docs };
}

const opts = parseArgs(process.argv.slice(2));
const jobs: Job[] = [];
for (const agents of opts.agents)
  for (const answerRate of opts.answerRates)
    for (const talkMeanSeconds of opts.talkMeans)
      for (const seed of opts.seeds)
        for (const algorithm of ALGORITHMS) jobs.push({ scenario: { agents, answerRate, talkMeanSeconds }, algorithm, seed, hours: opts.hours });

console.log(`pacing suite: ${jobs.length} runs (${opts.hours} simulated hours each), ${opts.parallel} at a time`);
const started = performance.now();
let done = 0;
const results = await runSuite(jobs, {
  parallel: opts.parallel,
  onResult: (r) => {
    done++;
    const m = r.metrics;
    console.log(
      `  [${done}/${jobs.length}] ${scenarioName(r.job.scenario)}, seed ${r.job.seed}, ${r.job.algorithm}: occupancy ${(m.occupancy * 100).toFixed(1)}%, abandon ${(m.abandonRate * 100).toFixed(2)}% (${(r.wallMs / 1000).toFixed(1)} s)${r.freshContactsLeft ? '' : ' — campaign ran low on contacts'}`,
    );
  },
});
const wallSeconds = (performance.now() - started) / 1000;
const summaries = summarize(results, CAP);
console.log('');
console.log(consoleTable(summaries));

if (opts.docs) {
  writeFileSync(CHART, occupancyChart(summaries, CAP));
  const section = `${START}\n${markdownResults(summaries, { seeds: opts.seeds, hours: opts.hours, wallSeconds })}\n\n![Occupancy against abandon rate](pacing-occupancy-abandon.svg)\n${END}`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Predictive pacing\n\n${START}\n${END}\n`;
  const at = doc.indexOf(START);
  const end = doc.indexOf(END);
  writeFileSync(DOC, at >= 0 && end > at ? doc.slice(0, at) + section + doc.slice(end + END.length) : `${doc}\n${section}\n`);
  console.log(`\nwrote docs/pacing.md and docs/pacing-occupancy-abandon.svg`);
}
console.log('');
console.log(headline(summaries.find((s) => sameScenario(s.scenario, { agents: 20, answerRate: 0.35, talkMeanSeconds: 60 }))));
