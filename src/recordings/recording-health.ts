/**
 * What the service knows about storing recordings, for /readyz and /metrics: how many saves
 * are waiting to be tried again, the last failure, and the recordings finally lost (their
 * call was reported without `link_down_record`).
 */
export interface LostRecording {
  callId: string;
  at: number;
  reason: string;
}

/** Losses older than this no longer appear in the readiness reason (the metric keeps counting). */
export const RECENT_LOSS_MS = 15 * 60_000;

export class RecordingHealth {
  /** Recordings given up on since start. */
  lostTotal = 0;
  /** Failed tries that were tried again. */
  retriesTotal = 0;
  private waiting = 0;
  private lastTryFailed: { at: number; reason: string } | null = null;
  private recent: LostRecording[] = [];

  retrying(at: number, reason: string): void {
    this.retriesTotal++;
    this.lastTryFailed = { at, reason };
  }

  waitStarted(): void {
    this.waiting++;
  }

  waitEnded(): void {
    this.waiting--;
  }

  saved(): void {
    this.lastTryFailed = null;
  }

  lost(loss: LostRecording): void {
    this.lostTotal++;
    this.lastTryFailed = { at: loss.at, reason: loss.reason };
    this.recent.push(loss);
    if (this.recent.length > 100) this.recent.shift();
  }

  /**
   * Not ready while recordings cannot be stored (a save is waiting to be tried again, or the
   * last try failed and none has succeeded since); recordings lost recently are named either way.
   */
  readiness(now: number): { ok: boolean; reason?: string } {
    this.recent = this.recent.filter((l) => now - l.at < RECENT_LOSS_MS);
    const parts: string[] = [];
    const failing = this.waiting > 0 || this.lastTryFailed !== null;
    if (failing) {
      const last = this.lastTryFailed ? `: ${this.lastTryFailed.reason} (${new Date(this.lastTryFailed.at).toISOString()})` : '';
      parts.push(`recordings cannot be stored${last}; ${this.waiting} waiting to be tried again`);
    }
    if (this.recent.length > 0) {
      const last = this.recent[this.recent.length - 1]!;
      parts.push(`${this.recent.length} recording(s) lost in the last ${RECENT_LOSS_MS / 60_000} min, reported without link_down_record (last: ${last.callId}, ${last.reason})`);
    }
    return parts.length === 0 ? { ok: true } : { ok: !failing, reason: parts.join('; ') };
  }
}
