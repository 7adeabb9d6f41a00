/**
 * Runs one job of the pacing suite (a scenario, an algorithm, a seed) in this process, and the
 * entry point of the child processes that run jobs in parallel: a child receives jobs as
 * messages and answers each with its result.
 */
import { runPacingFloor } from '../../test/support/pacing-floor.ts';
import type { FloorMetrics } from '../../test/support/pacing-floor-metrics.ts';
import { floorOf, pacingOf, type Job } from './scenarios.ts';

export interface JobResult {
  job: Job;
  metrics: FloorMetrics;
  /** False when the campaign may have run out of contacts (the run would not be valid). */
  freshContactsLeft: boolean;
  wallMs: number;
}

export async function runJob(job: Job): Promise<JobResult> {
  const started = performance.now();
  const run = await runPacingFloor(floorOf(job), pacingOf(job.algorithm));
  return { job, metrics: run.metrics, freshContactsLeft: run.freshContactsLeft, wallMs: performance.now() - started };
}

if (process.send && process.argv.includes('--pacing-job-child')) {
  process.on('message', (job: Job) => {
    runJob(job).then(
      (result) => process.send!({ ok: true, result }),
      (error: unknown) => process.send!({ ok: false, error: String((error as Error)?.stack ?? error) }),
    );
  });
}
