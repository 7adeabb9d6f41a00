/** The real clock: wall time and Node timers. */
import type { Clock, TimerHandle } from '../ports/clock.ts';

/** Node's timers cap out at 2^31-1 ms; longer waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(delayMs: number, fn: () => void): TimerHandle {
    let handle: NodeJS.Timeout;
    const due = Date.now() + Math.max(0, delayMs);
    const arm = () => {
      const left = due - Date.now();
      handle = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
      handle.unref?.();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
  yieldNow: () => new Promise<void>((resolve) => setImmediate(resolve)),
};
