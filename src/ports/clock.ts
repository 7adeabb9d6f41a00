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
  /**
   * Resolves once pending I/O and timers have had a turn (the system clock: `setImmediate`).
   * Long work yields through it; absent where nothing else runs meanwhile (virtual time).
   */
  yieldNow?(): Promise<void>;
}
