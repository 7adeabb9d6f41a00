/**
 * The captured ARI transcripts of a real Asterisk 22 (`test/fixtures/asterisk/ari/<flow>.jsonl`,
 * see the README there): typed records, the flow index, the recording sample, and the id map a
 * replay uses to put the ids a driver chose in place of the ids of the capture.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/asterisk');

export interface HttpRecord {
  kind: 'http';
  t: number;
  t_response: number;
  method: string;
  path: string;
  request_body: unknown;
  status: number;
  response_content_type: string | null;
  response_body: unknown;
  response_length?: number;
}

export interface EventRecord {
  kind: 'ws';
  t: number;
  event: { type: string; [key: string]: unknown };
}

export interface StateRecord {
  kind: 'ws';
  t: number;
  state: 'open' | 'close' | 'close_sent' | 'eof' | 'connect_error' | 'handshake_failed';
  [key: string]: unknown;
}

export type TranscriptRecord = HttpRecord | EventRecord | StateRecord;

export const isHttp = (r: TranscriptRecord): r is HttpRecord => r.kind === 'http';
export const isEvent = (r: TranscriptRecord): r is EventRecord => r.kind === 'ws' && 'event' in r;
export const isState = (r: TranscriptRecord): r is StateRecord => r.kind === 'ws' && 'state' in r;

export const CAPTURED_FLOWS = [
  'dial-answered-bridged-recorded',
  'dial-busy',
  'dial-congestion',
  'dial-unavailable',
  'dial-notfound',
  'dial-declined',
  'dial-noanswer-timeout',
  'dial-carrier-timeout',
  'dial-customer-hangs-up',
  'agent-holding-bridge',
  'errors-http',
  'ws-reconnect',
] as const;

export function loadTranscript(flow: string): TranscriptRecord[] {
  const text = readFileSync(join(FIXTURES_DIR, 'ari', `${flow}.jsonl`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TranscriptRecord);
}

export interface FlowMeta {
  description: string;
  meta: Record<string, unknown> & { number?: string; call_id?: string; customer_channel?: string };
}

export function loadFlowIndex(): Record<string, FlowMeta> {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'ari', 'index.json'), 'utf8')) as Record<string, FlowMeta>;
}

export function recordingSample(): Buffer {
  return readFileSync(join(FIXTURES_DIR, 'recording-sample.wav'));
}

/** Recorded id → id chosen by the driver under test; applied to paths, bodies and events. */
export class IdMap {
  private readonly pairs = new Map<string, string>();
  private ordered: [string, string][] = [];

  learn(recorded: string | null | undefined, chosen: string | null | undefined): void {
    if (!recorded || !chosen || recorded === chosen || this.pairs.get(recorded) === chosen) return;
    this.pairs.set(recorded, chosen);
    this.ordered = [...this.pairs.entries()].sort((a, b) => b[0].length - a[0].length);
  }

  apply(text: string): string {
    let out = text;
    for (const [recorded, chosen] of this.ordered) out = out.split(recorded).join(chosen);
    return out;
  }

  applyDeep<T>(value: T): T {
    if (value === null || value === undefined) return value;
    return JSON.parse(this.apply(JSON.stringify(value))) as T;
  }
}
