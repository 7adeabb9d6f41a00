/**
 * Time as the core sees it. The engine never reads the system clock or sets a Node timer
 * itself: the service hands it the system clock, tests and the pacing simulation a virtual one.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `delayMs` (virtual or real). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
}
