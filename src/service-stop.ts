/**
 * One step of the service's stop, bounded in real time: a stop that waits without end for one
 * part (a request that never finishes, a worker stuck on its dependency) would hold the whole
 * process until the supervisor kills it, and say nothing of why. A step past its bound is
 * logged by name and the stop goes on; what it left unwritten stays open in the store and the
 * next start reconciles it, as after a crash.
 */
import type { Logger } from './ports/logger.ts';

/** How long a step may take beyond the time it is given (a call's grace, for the engine). */
export const STOP_STEP_MS = 15_000;

/** Runs the step; resolves true when it finished, false when its bound passed first. */
export async function stopStep(logger: Logger, name: string, run: () => Promise<unknown>, extraMs = 0): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_STEP_MS + extraMs);
    timer.unref();
  });
  const startedAt = Date.now();
  try {
    const finished = await Promise.race([run().then(() => true as const), bound]);
    if (!finished) logger.warn({ step: name, seconds: Math.round((Date.now() - startedAt) / 1000) }, 'stopping: a step did not finish in time; going on without it');
    return finished;
  } finally {
    clearTimeout(timer);
  }
}
