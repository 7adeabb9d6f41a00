/**
 * Runs the jobs of the pacing suite, in this process or spread over child processes (`jobs`),
 * reporting each result as it arrives. Results come back in completion order.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { runJob, type JobResult } from './run-job.ts';
import type { Job } from './scenarios.ts';

export async function runSuite(jobs: Job[], options: { parallel: number; onResult(result: JobResult): void }): Promise<JobResult[]> {
  const results: JobResult[] = [];
  if (options.parallel <= 1) {
    for (const job of jobs) {
      const result = await runJob(job);
      results.push(result);
      options.onResult(result);
    }
    return results;
  }
  // Longest jobs first, so the pool ends together.
  const queue = [...jobs].sort((a, b) => cost(b) - cost(a));
  const children: ChildProcess[] = [];
  const worker = async () => {
    const child = fork(new URL('./run-job.ts', import.meta.url), ['--pacing-job-child'], { execArgv: ['--import', 'tsx'] });
    children.push(child);
    try {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const result = await new Promise<JobResult>((resolve, reject) => {
          child.once('message', (m: { ok: true; result: JobResult } | { ok: false; error: string }) => (m.ok ? resolve(m.result) : reject(new Error(m.error))));
          child.once('exit', (code) => reject(new Error(`job process exited with ${code}`)));
          child.send(job);
        });
        child.removeAllListeners('exit');
        results.push(result);
        options.onResult(result);
      }
    } finally {
      child.kill();
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallel, jobs.length) }, worker));
  return results;
}

/** Rough relative cost of a job: calls placed grow with agents and hours, fall with answer rate and talk time. */
function cost(job: Job): number {
  return (job.scenario.agents * job.hours) / (job.scenario.answerRate * (job.scenario.talkMeanSeconds + 10));
}
