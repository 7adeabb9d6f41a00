import { describe, expect, it } from 'vitest';
import { coaches, newMonitoringSession, stepMonitoring, type MonitoringInput, type MonitoringSession, type MonitoringState, type MonitorMode } from '../../../src/domain/monitoring-session.ts';

const T = 1_000;
const AT = 5_000;

/** A session in `state`, with the mode in force and the mode being set up. */
function session(state: MonitoringState, mode: MonitorMode | null = null, target: MonitorMode | null = null): MonitoringSession {
  return { ...newMonitoringSession(T), state, mode, target };
}

const start = (mode: MonitorMode): MonitoringInput => ({ type: 'start', mode });
const change = (mode: MonitorMode): MonitoringInput => ({ type: 'switch', mode });
const stop: MonitoringInput = { type: 'stop' };

type Expect = { to: MonitoringState; mode: MonitorMode | null; target?: MonitorMode | null; endReason?: string } | { refused: string };

// [rule, from, input, expected]
const ROWS: [string, MonitoringSession, MonitoringInput, Expect][] = [
  // Intents: start
  ['start listening from idle: the first mode is being set up', session('idle'), start('listen'), { to: 'switching', mode: null, target: 'listen' }],
  ['start whispering from idle', session('idle'), start('whisper'), { to: 'switching', mode: null, target: 'whisper' }],
  ['start barging from idle', session('idle'), start('barge'), { to: 'switching', mode: null, target: 'barge' }],
  ['start while listening: refused', session('listening', 'listen'), start('whisper'), { refused: 'already-started' }],
  ['start while switching: refused', session('switching', null, 'listen'), start('listen'), { refused: 'already-started' }],
  ['start once ended: refused', session('ended'), start('listen'), { refused: 'ended' }],
  // Intents: switch
  ['listen → whisper: switching, listening goes on meanwhile', session('listening', 'listen'), change('whisper'), { to: 'switching', mode: 'listen', target: 'whisper' }],
  ['whisper → barge', session('whispering', 'whisper'), change('barge'), { to: 'switching', mode: 'whisper', target: 'barge' }],
  ['barge → listen', session('barging', 'barge'), change('listen'), { to: 'switching', mode: 'barge', target: 'listen' }],
  ['switch to the mode in force: refused', session('whispering', 'whisper'), change('whisper'), { refused: 'same-mode' }],
  ['switch while a change is being made: refused', session('switching', 'listen', 'whisper'), change('barge'), { refused: 'switching' }],
  ['switch before starting: refused', session('idle'), change('listen'), { refused: 'not-monitoring' }],
  ['switch once ended: refused', session('ended'), change('listen'), { refused: 'ended' }],
  // Intents: stop
  ['stop while listening', session('listening', 'listen'), stop, { to: 'ended', mode: null, endReason: 'stopped' }],
  ['stop while barging', session('barging', 'barge'), stop, { to: 'ended', mode: null, endReason: 'stopped' }],
  ['stop while switching', session('switching', 'listen', 'barge'), stop, { to: 'ended', mode: null, endReason: 'stopped' }],
  ['stop before starting: refused', session('idle'), stop, { refused: 'not-monitoring' }],
  ['stop once ended: refused', session('ended'), stop, { refused: 'ended' }],
  // The telephony
  ['the first mode is in force: listening', session('switching', null, 'listen'), { type: 'applied' }, { to: 'listening', mode: 'listen', target: null }],
  ['the change is in force: whispering', session('switching', 'listen', 'whisper'), { type: 'applied' }, { to: 'whispering', mode: 'whisper', target: null }],
  ['the change to barge is in force: barging', session('switching', 'whisper', 'barge'), { type: 'applied' }, { to: 'barging', mode: 'barge', target: null }],
  ['applied outside a change: refused', session('listening', 'listen'), { type: 'applied' }, { refused: 'not-now' }],
  ['a failed first mode ends the session', session('switching', null, 'whisper'), { type: 'failed' }, { to: 'ended', mode: null, endReason: 'failed' }],
  ['a failed change keeps the mode in force', session('switching', 'listen', 'barge'), { type: 'failed' }, { to: 'listening', mode: 'listen', target: null }],
  ['failed outside a change: refused', session('barging', 'barge'), { type: 'failed' }, { refused: 'not-now' }],
  ['the call ended while whispering: ended', session('whispering', 'whisper'), { type: 'call-ended' }, { to: 'ended', mode: null, endReason: 'call-ended' }],
  ['the call ended while switching: ended', session('switching', 'listen', 'barge'), { type: 'call-ended' }, { to: 'ended', mode: null, endReason: 'call-ended' }],
  ['the call ended after the session: refused', session('ended'), { type: 'call-ended' }, { refused: 'ended' }],
  ["the supervisor's phone hung up while listening: ended", session('listening', 'listen'), { type: 'supervisor-left' }, { to: 'ended', mode: null, endReason: 'supervisor-left' }],
  ["the supervisor's phone hung up after the session: refused", session('ended'), { type: 'supervisor-left' }, { refused: 'ended' }],
  ['the telephony lost a session while barging: ended as failed', session('barging', 'barge'), { type: 'lost' }, { to: 'ended', mode: null, endReason: 'failed' }],
  ['the telephony lost a session after it ended: refused', session('ended'), { type: 'lost' }, { refused: 'ended' }],
];

describe('a supervisor monitoring session', () => {
  it.each(ROWS)('%s', (_rule, from, input, expected) => {
    const step = stepMonitoring(from, input, AT);
    if ('refused' in expected) {
      expect(step).toEqual({ ok: false, refusal: expected.refused });
      return;
    }
    expect(step.ok).toBe(true);
    if (!step.ok) return;
    expect(step.session.state).toBe(expected.to);
    expect(step.session.mode).toBe(expected.mode);
    if (expected.target !== undefined) expect(step.session.target).toBe(expected.target);
    if (expected.endReason !== undefined) expect(step.session.endReason).toBe(expected.endReason);
    expect(step.session.since).toBe(expected.to === from.state ? from.since : AT);
  });

  it('coaching is whisper and barge only: listening is never shown to the agent', () => {
    expect([coaches('listen'), coaches('whisper'), coaches('barge'), coaches(null)]).toEqual([false, true, true, false]);
  });
});
