import { describe, expect, it } from 'vitest';
import { newShift, stepShift, type Shift, type ShiftInput, type ShiftState } from '../../../src/domain/agent-shift.ts';

const T = 1_000;
const AT = 5_000;

/** A shift in `state` (phone up unless said), optionally paused or with a pause pending. */
function shift(state: ShiftState, extra: Partial<Shift> = {}): Shift {
  return { ...newShift(true, T), state, phoneUp: state !== 'offline', ...extra };
}

const meeting = { reason: 'meeting' };
const lunch = { reason: 'lunch' };
const ready: ShiftInput = { type: 'ready' };
const cancelPause: ShiftInput = { type: 'cancel-pause-after-call' };
const pause = (reason: string): ShiftInput => ({ type: 'pause', reason });
const signOut: ShiftInput = { type: 'sign-out' };

type Expect = { to: ShiftState; pause?: { reason: string | null } | null; pauseAfterCall?: { reason: string | null } | null; phoneUp?: boolean; codeDueFor?: string | null } | { refused: string };

/** In wrap-up of call c-1, whose profile requires a disposition that is still missing. */
const owing = (extra: Partial<Shift> = {}) => shift('wrap-up', { codeDueFor: 'c-1', ...extra });

// [rule, from, input, expected]
const ROWS: [string, Shift, ShiftInput, Expect][] = [
  // Intents: ready
  ['ready while paused: back to ready', shift('paused', { pause: lunch }), ready, { to: 'ready', pause: null }],
  ['ready in wrap-up: ends wrap-up', shift('wrap-up'), ready, { to: 'ready' }],
  ['ready in wrap-up with a pending pause: ready wins, the pending pause is dropped', shift('wrap-up', { pauseAfterCall: meeting }), ready, { to: 'ready', pauseAfterCall: null }],
  ['ready in wrap-up with the phone down: offline', shift('wrap-up', { phoneUp: false }), ready, { to: 'offline' }],
  ['ready while ready: nothing changes', shift('ready'), ready, { to: 'ready' }],
  ['ready during a call: cancels the pending pause, keeps talking', shift('talking', { pauseAfterCall: meeting }), ready, { to: 'talking', pauseAfterCall: null }],
  ['ready while reserved: stays reserved', shift('reserved'), ready, { to: 'reserved' }],
  ['ready while offline: refused (no phone to take calls on)', shift('offline'), ready, { refused: 'offline' }],
  // Intents: cancel the pause pending after the call
  ['cancel the pending pause during a call: keeps talking', shift('talking', { pauseAfterCall: meeting }), cancelPause, { to: 'talking', pauseAfterCall: null }],
  ['cancel the pending pause in wrap-up: stays in wrap-up, ready when it ends', shift('wrap-up', { pauseAfterCall: meeting }), cancelPause, { to: 'wrap-up', pauseAfterCall: null }],
  ['cancel the pending pause in wrap-up while a code is owed: stays in wrap-up, still owed', owing({ pauseAfterCall: meeting }), cancelPause, { to: 'wrap-up', pauseAfterCall: null, codeDueFor: 'c-1' }],
  ['cancel with no pause pending: nothing changes', shift('paused', { pause: lunch }), cancelPause, { to: 'paused', pause: lunch }],
  // Intents: pause
  ['pause while ready: paused with the reason', shift('ready'), pause('lunch'), { to: 'paused', pause: lunch }],
  ['pause while paused: the reason changes', shift('paused', { pause: lunch }), pause('meeting'), { to: 'paused', pause: meeting }],
  ['pause while talking: pause after this call, still talking', shift('talking'), pause('meeting'), { to: 'talking', pause: null, pauseAfterCall: meeting }],
  ['pause while reserved: pause after this call', shift('reserved'), pause('meeting'), { to: 'reserved', pauseAfterCall: meeting }],
  ['pause in wrap-up: paused at once', shift('wrap-up'), pause('lunch'), { to: 'paused', pause: lunch }],
  ['pause while offline: remembered for when the phone returns', shift('offline'), pause('lunch'), { to: 'offline', pause: lunch }],
  // Intents: sign out
  ['sign out while ready', shift('ready'), signOut, { to: 'offline' }],
  ['sign out while paused', shift('paused', { pause: lunch }), signOut, { to: 'offline', pause: null }],
  ['sign out while offline', shift('offline'), signOut, { to: 'offline' }],
  ['sign out while talking: refused', shift('talking'), signOut, { refused: 'in-call' }],
  ['sign out while reserved: refused', shift('reserved'), signOut, { refused: 'in-call' }],
  ['sign out in wrap-up: refused', shift('wrap-up'), signOut, { refused: 'in-wrap-up' }],
  // The floor: a call
  ['a customer is bridged to a ready agent: reserved', shift('ready'), { type: 'reserve' }, { to: 'reserved' }],
  ['the bridge comes up: talking', shift('reserved'), { type: 'connect' }, { to: 'talking' }],
  ['the bridge fails: ready again', shift('reserved'), { type: 'bridge-failed' }, { to: 'ready' }],
  ['the bridge fails with a pause pending: paused', shift('reserved', { pauseAfterCall: meeting }), { type: 'bridge-failed' }, { to: 'paused', pause: meeting, pauseAfterCall: null }],
  ['the call ends: wrap-up', shift('talking'), { type: 'call-ended' }, { to: 'wrap-up' }],
  ['the call ends with a pause pending: wrap-up first, the pause still pending', shift('talking', { pauseAfterCall: meeting }), { type: 'call-ended' }, { to: 'wrap-up', pauseAfterCall: meeting }],
  ['the wrap-up time runs out: ready', shift('wrap-up'), { type: 'wrap-up-timeout' }, { to: 'ready' }],
  ['the wrap-up time runs out with a pause pending: paused', shift('wrap-up', { pauseAfterCall: meeting }), { type: 'wrap-up-timeout' }, { to: 'paused', pause: meeting, pauseAfterCall: null }],
  ['the wrap-up time runs out with the phone down: offline', shift('wrap-up', { phoneUp: false }), { type: 'wrap-up-timeout' }, { to: 'offline' }],
  // A required disposition: wrap-up is left only once the call has its code, or by the time limit.
  ['the call ends and its profile requires a code: wrap-up, owing that call a code', shift('talking'), { type: 'call-ended', codeRequiredFor: 'c-1' }, { to: 'wrap-up', codeDueFor: 'c-1' }],
  ['ready in wrap-up while the required code is missing: refused', owing(), ready, { refused: 'code-required' }],
  ['pause in wrap-up while the required code is missing: refused', owing(), pause('lunch'), { refused: 'code-required' }],
  ['sign out in wrap-up while the required code is missing: refused (in wrap-up)', owing(), signOut, { refused: 'in-wrap-up' }],
  ['the required code is recorded: still in wrap-up, nothing owed', owing(), { type: 'code-recorded', callId: 'c-1' }, { to: 'wrap-up', codeDueFor: null }],
  ['ready once the required code is recorded: ready', owing({ codeDueFor: null }), ready, { to: 'ready', codeDueFor: null }],
  ['a code for another (older) call does not release the wrap-up', owing(), { type: 'code-recorded', callId: 'c-0' }, { refused: 'not-now' }],
  ['a code when none is owed: refused, nothing changes', shift('ready'), { type: 'code-recorded', callId: 'c-1' }, { refused: 'not-now' }],
  ['the wrap-up time runs out with the required code missing: ready anyway, nothing owed', owing(), { type: 'wrap-up-timeout' }, { to: 'ready', codeDueFor: null }],
  ['the wrap-up time runs out with the code missing and a pause pending: paused', owing({ pauseAfterCall: meeting }), { type: 'wrap-up-timeout' }, { to: 'paused', pause: meeting, codeDueFor: null }],
  ['the phone goes away while owing a code: wrap-up goes on, still owing', owing(), { type: 'phone-offline' }, { to: 'wrap-up', phoneUp: false, codeDueFor: 'c-1' }],
  // The floor: the phone
  ['the phone goes away while ready: offline', shift('ready'), { type: 'phone-offline' }, { to: 'offline', phoneUp: false }],
  ['the phone goes away while paused: offline, the pause remembered', shift('paused', { pause: lunch }), { type: 'phone-offline' }, { to: 'offline', pause: lunch }],
  ['the phone goes away while reserved: offline (the customer gets another agent)', shift('reserved'), { type: 'phone-offline' }, { to: 'offline' }],
  ['the phone goes away while reserved with a pause pending: offline, that pause remembered', shift('reserved', { pauseAfterCall: meeting }), { type: 'phone-offline' }, { to: 'offline', pause: meeting, pauseAfterCall: null }],
  ['the phone goes away while talking: the call goes on', shift('talking'), { type: 'phone-offline' }, { to: 'talking', phoneUp: false }],
  ['the phone goes away in wrap-up: wrap-up goes on', shift('wrap-up'), { type: 'phone-offline' }, { to: 'wrap-up', phoneUp: false }],
  ['the phone returns: ready', shift('offline', { phoneUp: false }), { type: 'phone-online' }, { to: 'ready', phoneUp: true }],
  ['the phone returns after a pause: paused again', shift('offline', { phoneUp: false, pause: lunch }), { type: 'phone-online' }, { to: 'paused', pause: lunch }],
  ['the phone returns during a call: still talking', shift('talking', { phoneUp: false }), { type: 'phone-online' }, { to: 'talking', phoneUp: true }],
  ['the phone returns in wrap-up: still in wrap-up', shift('wrap-up', { phoneUp: false }), { type: 'phone-online' }, { to: 'wrap-up', phoneUp: true }],
  ['the phone reports again while ready: nothing changes', shift('ready'), { type: 'phone-online' }, { to: 'ready' }],
  ['the phone reports again while paused: still paused', shift('paused', { pause: lunch }), { type: 'phone-online' }, { to: 'paused', pause: lunch }],
  ['the phone reports again while reserved: still reserved', shift('reserved'), { type: 'phone-online' }, { to: 'reserved' }],
  ['the phone goes away again while offline: still offline', shift('offline', { phoneUp: false }), { type: 'phone-offline' }, { to: 'offline' }],
  // A call's own events outside the state they belong to change nothing (late or stray events).
  ...(
    [
      ['reserve', 'ready'],
      ['connect', 'reserved'],
      ['bridge-failed', 'reserved'],
      ['call-ended', 'talking'],
      ['wrap-up-timeout', 'wrap-up'],
    ] as const
  ).flatMap(([type, source]) =>
    (['offline', 'ready', 'reserved', 'talking', 'wrap-up', 'paused'] as const)
      .filter((state) => state !== source)
      .map((state): [string, Shift, ShiftInput, Expect] => [`${type} while ${state}: refused, nothing changes`, shift(state), { type }, { refused: 'not-now' }]),
  ),
];

describe('agent shift', () => {
  it.each(ROWS)('%s', (_rule, from, input, expected) => {
    const step = stepShift(from, input, AT);
    if ('refused' in expected) {
      expect(step).toEqual({ ok: false, refusal: expected.refused });
      return;
    }
    expect(step.ok).toBe(true);
    if (!step.ok) return;
    const { to, ...fields } = expected;
    expect(step.shift.state).toBe(to);
    expect(step.shift).toMatchObject(fields);
  });

  it('starts ready with the phone up, offline without', () => {
    expect(newShift(true, T)).toEqual({ state: 'ready', phoneUp: true, pause: null, pauseAfterCall: null, since: T });
    expect(newShift(false, T).state).toBe('offline');
  });

  it('restarts the time in state on a change, and keeps it when nothing changes', () => {
    const talking = shift('talking');
    const pending = stepShift(talking, pause('meeting'), AT);
    expect(pending.ok && pending.shift.since).toBe(T);
    const wrap = stepShift(talking, { type: 'call-ended' }, AT);
    expect(wrap.ok && wrap.shift.since).toBe(AT);
    const same = stepShift(shift('ready'), ready, AT);
    expect(same.ok && same.shift.since).toBe(T);
  });

  it('answers every input in every state: a next shift or a refusal, never an exception', () => {
    const states: ShiftState[] = ['offline', 'ready', 'reserved', 'talking', 'wrap-up', 'paused'];
    const inputs: ShiftInput[] = [ready, pause('x'), cancelPause, signOut, { type: 'phone-online' }, { type: 'phone-offline' }, { type: 'reserve' }, { type: 'bridge-failed' }, { type: 'connect' }, { type: 'call-ended' }, { type: 'code-recorded', callId: 'c-1' }, { type: 'wrap-up-timeout' }];
    for (const state of states) {
      for (const input of inputs) {
        const step = stepShift(shift(state), input, AT);
        expect(step.ok || typeof step.refusal === 'string').toBe(true);
        // Only a call's own events and the agent's intents about it keep an agent on a call.
        if (step.ok && (state === 'talking' || state === 'reserved') && input.type === 'pause') expect(step.shift.state).toBe(state);
      }
    }
  });
});
