/**
 * The objects of the scripted Asterisk (channels, bridges) and the JSON it sends for them,
 * shaped like the captured Asterisk 22 snapshots and events (same fields, same names).
 */
import type { TimerHandle } from '../../../src/ports/clock.ts';

export interface ScriptedChannel {
  id: string;
  name: string;
  kind: 'customer' | 'agent';
  /** Dialled number (customer) or endpoint resource (agent). */
  target: string;
  state: 'Down' | 'Ringing' | 'Up';
  appArgs: string[];
  callerNumber: string;
  vars: Record<string, string>;
  bridge: string | null;
  dialled: boolean;
  answered: boolean;
  protocolId: string;
  createdAt: number;
  timers: TimerHandle[];
  /** Music-on-hold class playing to the channel (POST /moh), if any. */
  moh?: string | null;
  /** Mute direction in force (POST /mute), if any. */
  muted?: string | null;
  /** DTMF sent to the channel so far. */
  dtmf?: string;
}

export interface ScriptedBridge {
  id: string;
  type: 'mixing' | 'holding';
  name: string;
  channels: string[];
  recording: string | null;
  /** Music-on-hold class the bridge plays (POST /bridges/{id}/moh, an announcer channel), if any. */
  moh: string | null;
  createdAt: number;
}

export function timestampOf(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function channelJson(ch: ScriptedChannel, app: string, inStasis = true): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: ch.protocolId,
    caller: ch.kind === 'customer' ? { name: 'CCS', number: ch.callerNumber } : { name: 'CCS Dialer', number: '0000' },
    connected: { name: '', number: '' },
    accountcode: '',
    dialplan: {
      context: ch.kind === 'customer' ? 'from-trunk' : 'from-agents',
      exten: 's',
      priority: 1,
      app_name: inStasis ? 'Stasis' : '',
      app_data: inStasis ? [app, ...ch.appArgs].join(',') : '',
    },
    creationtime: timestampOf(ch.createdAt),
    language: 'en',
    channelvars: { CCS_CALL_ID: ch.vars.CCS_CALL_ID ?? '' },
  };
}

export function bridgeJson(bridge: ScriptedBridge): Record<string, unknown> {
  return {
    id: bridge.id,
    technology: bridge.type === 'holding' ? 'holding_bridge' : bridge.recording ? 'softmix' : 'simple_bridge',
    bridge_type: bridge.type,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: bridge.name,
    channels: [...bridge.channels],
    creationtime: timestampOf(bridge.createdAt),
    video_mode: 'none',
  };
}

/** Q.850 cause, its text, and the SIP status behind it. */
export type Cause = readonly [number, string, number | undefined];

export const CAUSES = {
  normal: [16, 'Normal Clearing', undefined],
  busy: [17, 'User busy', 486],
  congestion: [34, 'Circuit/channel congestion', 503],
  unavailable: [19, 'User alerting, no answer', 480],
  notFound: [1, 'Unallocated (unassigned) number', 404],
  declined: [21, 'Call Rejected', 603],
  ringOut: [19, 'User alerting, no answer', 480],
} as const satisfies Record<string, Cause>;

/** The carrier of sipp/carrier.xml: what the last digit of the number does. */
export type CarrierScript =
  | { kind: 'fails'; after: number; cause: Cause }
  | { kind: 'rings'; answerAfter: number | null; hangsUpAfterAnswer: number | null };

export function carrierScript(number: string): CarrierScript {
  switch (number.slice(-1)) {
    case '1':
      return { kind: 'fails', after: 3, cause: CAUSES.busy };
    case '2':
      return { kind: 'rings', answerAfter: null, hangsUpAfterAnswer: null };
    case '3':
      return { kind: 'fails', after: 4, cause: CAUSES.congestion };
    case '4':
      return { kind: 'fails', after: 4, cause: CAUSES.unavailable };
    case '5':
      return { kind: 'rings', answerAfter: 1000, hangsUpAfterAnswer: 3000 };
    case '6':
      return { kind: 'fails', after: 4, cause: CAUSES.notFound };
    case '7':
      return { kind: 'fails', after: 4, cause: CAUSES.declined };
    default:
      return { kind: 'rings', answerAfter: 2000, hangsUpAfterAnswer: null };
  }
}
