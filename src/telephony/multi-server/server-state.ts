/**
 * What the several-server driver keeps per Asterisk server (its state, the agents it last
 * reported online, its calls) and per call (its server, group and how far it got).
 */
import type { TimerHandle } from '../../ports/clock.ts';
import type { TelephonyDriver, TelephonyEvent } from '../../ports/telephony.ts';
import type { ServerLoad } from './server-choice.ts';

export type Phase = 'placing' | 'ringing' | 'answered' | 'connected';

export interface CallEntry {
  server: Server;
  group: string | null;
  phase: Phase;
  /** Its `placeCall` has not answered yet: if that fails, nothing was dialled and no end is owed. */
  placing: boolean;
}

export class Server implements ServerLoad {
  state: 'starting' | 'up' | 'down' = 'starting';
  /** Agents whose phone this server last reported online, with what it said. */
  readonly online = new Map<string, Extract<TelephonyEvent, { type: 'agent' }>>();
  readonly calls = new Set<string>();
  /** Calls reported ended by the composite while this server was lost; still up there, maybe. */
  readonly written = new Set<string>();
  lostTimer: TimerHandle | null = null;
  /** When the server went down (its lost calls end then: nothing of them is known after). */
  downSince: number | null = null;
  lastReason = 'not started';

  constructor(
    readonly name: string,
    readonly driver: TelephonyDriver,
    readonly channelLimit: number,
    private readonly entries: Map<string, CallEntry>,
  ) {}

  get up(): boolean {
    return this.state === 'up';
  }
  get legs(): number {
    return this.calls.size;
  }
  waitingLegs(group: string): number {
    let n = 0;
    for (const id of this.calls) {
      const e = this.entries.get(id);
      if (e && e.group === group && e.phase !== 'connected') n++;
    }
    return n;
  }
  hasAgent(agentCode: string): boolean {
    return this.online.has(agentCode);
  }
}
