/**
 * What a pacing run is judged by, measured from the engine's own events over a fixed window:
 * agent occupancy (talk + wrap-up over logged-in time), talk minutes per agent-hour, abandon
 * rate (abandoned / answered, by answer time) over the run and over the worst rolling hour,
 * the wait of connected customers, calls placed per agent-hour. It also keeps what the
 * 2-second rule is checked against: the longest wait of a connected customer and the
 * shortest time from answer to the end of an abandoned call.
 */
import type { EngineEvents } from '../../src/engine/engine-events.ts';

export interface FloorMetrics {
  agents: number;
  hours: number;
  placed: number;
  answered: number;
  connected: number;
  abandoned: number;
  /** Talk + wrap-up over logged-in time, 0..1. */
  occupancy: number;
  talkMinutesPerAgentHour: number;
  callsPerAgentHour: number;
  abandonRate: number;
  /** Highest abandon rate of any 60-minute window inside the run (minute steps). */
  worstHourAbandonRate: number;
  meanWaitSeconds: number;
  maxWaitSeconds: number;
  /** Shortest answer → end of an abandoned call, seconds (null when none). */
  minAbandonHoldSeconds: number | null;
}

const MINUTE = 60_000;

export class FloorMetricsCollector {
  private readonly activity = new Map<string, { activity: string; since: number }>();
  private talkMs = 0;
  private wrapMs = 0;
  private placed = 0;
  private readonly answeredAt = new Map<string, number>();
  private readonly answeredByMinute: number[];
  private readonly abandonedByMinute: number[];
  private connected = 0;
  private abandoned = 0;
  private waitSumMs = 0;
  private maxWaitMs = 0;
  private minHoldMs = Infinity;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    events: Pick<EngineEvents, 'on'>,
    private readonly from: number,
    private readonly until: number,
    private readonly agents: number,
  ) {
    const minutes = Math.ceil((until - from) / MINUTE);
    this.answeredByMinute = new Array<number>(minutes).fill(0);
    this.abandonedByMinute = new Array<number>(minutes).fill(0);
    this.unsubscribe.push(
      events.on('agent:state', ({ agentCode, activity, at }) => {
        this.close(agentCode, at);
        this.activity.set(agentCode, { activity, since: at });
      }),
      events.on('call:placed', ({ at }) => {
        if (this.inside(at)) this.placed++;
      }),
      events.on('call:answered', ({ callId, at }) => {
        this.answeredAt.set(callId, at);
      }),
      events.on('call:connected', ({ callId, at }) => {
        const answered = this.answeredAt.get(callId);
        this.answeredAt.delete(callId);
        if (answered === undefined || !this.inside(answered)) return;
        this.connected++;
        this.answeredByMinute[this.minute(answered)]!++;
        const wait = at - answered;
        this.waitSumMs += wait;
        this.maxWaitMs = Math.max(this.maxWaitMs, wait);
      }),
      events.on('call:ended', ({ callId, status, at }) => {
        const answered = this.answeredAt.get(callId);
        this.answeredAt.delete(callId);
        if (answered === undefined || status !== 'ABANDONED' || !this.inside(answered)) return;
        this.abandoned++;
        this.answeredByMinute[this.minute(answered)]!++;
        this.abandonedByMinute[this.minute(answered)]!++;
        this.minHoldMs = Math.min(this.minHoldMs, at - answered);
      }),
    );
  }

  private inside(at: number): boolean {
    return at >= this.from && at < this.until;
  }

  private minute(at: number): number {
    return Math.floor((at - this.from) / MINUTE);
  }

  /** Books the time an agent spent in its current activity, clipped to the window. */
  private close(agentCode: string, at: number): void {
    const current = this.activity.get(agentCode);
    if (!current) return;
    const ms = Math.max(0, Math.min(at, this.until) - Math.max(current.since, this.from));
    if (current.activity === 'talking') this.talkMs += ms;
    else if (current.activity === 'wrap-up') this.wrapMs += ms;
  }

  /** Stops listening and computes the figures (call once the clock has reached `until`). */
  finish(): FloorMetrics {
    for (const off of this.unsubscribe) off();
    for (const code of this.activity.keys()) this.close(code, this.until);
    this.activity.clear();
    const hours = (this.until - this.from) / 3_600_000;
    const agentHours = this.agents * hours;
    const answered = this.connected + this.abandoned;
    let worst = 0;
    const minutes = this.answeredByMinute.length;
    const window = Math.min(60, minutes);
    let a = 0;
    let d = 0;
    for (let m = 0; m < minutes; m++) {
      a += this.answeredByMinute[m]!;
      d += this.abandonedByMinute[m]!;
      if (m >= window) {
        a -= this.answeredByMinute[m - window]!;
        d -= this.abandonedByMinute[m - window]!;
      }
      if (m >= window - 1 && a > 0) worst = Math.max(worst, d / a);
    }
    return {
      agents: this.agents,
      hours,
      placed: this.placed,
      answered,
      connected: this.connected,
      abandoned: this.abandoned,
      occupancy: agentHours > 0 ? (this.talkMs + this.wrapMs) / (agentHours * 3_600_000) : 0,
      talkMinutesPerAgentHour: agentHours > 0 ? this.talkMs / MINUTE / agentHours : 0,
      callsPerAgentHour: agentHours > 0 ? this.placed / agentHours : 0,
      abandonRate: answered > 0 ? this.abandoned / answered : 0,
      worstHourAbandonRate: worst,
      meanWaitSeconds: this.connected > 0 ? this.waitSumMs / this.connected / 1000 : 0,
      maxWaitSeconds: this.maxWaitMs / 1000,
      minAbandonHoldSeconds: this.abandoned > 0 ? this.minHoldMs / 1000 : null,
    };
  }
}
