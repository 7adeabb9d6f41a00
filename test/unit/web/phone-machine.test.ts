import { describe, expect, it } from 'vitest';
import { initialPhoneState, phoneReducer, type PhoneEvent, type PhoneState } from '../../../web/src/agent/phone/phone-machine.ts';

const at = (patch: Partial<PhoneState>): PhoneState => ({ ...initialPhoneState, ...patch });
const ready = at({ microphone: 'granted', registration: 'registered' });

// Every transition of the desk's phone, and every event refused in a state (state unchanged).
const rows: [string, PhoneState, PhoneEvent, Partial<PhoneState> | 'unchanged'][] = [
  ['the microphone is asked for', initialPhoneState, { type: 'mic-asking' }, { microphone: 'asking' }],
  ['the microphone is allowed', at({ microphone: 'asking' }), { type: 'mic-granted' }, { microphone: 'granted' }],
  ['the microphone is refused', at({ microphone: 'asking' }), { type: 'mic-denied' }, { microphone: 'denied', registration: 'unregistered' }],
  ['no microphone device', at({ microphone: 'asking' }), { type: 'mic-denied', noDevice: true }, { microphone: 'denied', problem: 'no-device' }],
  ['a refused microphone takes a registered phone off', ready, { type: 'mic-denied' }, { microphone: 'denied', registration: 'unregistered', call: 'idle' }],
  ['no registration without a microphone', initialPhoneState, { type: 'registering' }, 'unchanged'],
  ['no registration with a refused microphone', at({ microphone: 'denied' }), { type: 'registered' }, 'unchanged'],
  ['registering', at({ microphone: 'granted' }), { type: 'registering' }, { registration: 'registering' }],
  ['registered', at({ microphone: 'granted', registration: 'registering' }), { type: 'registered' }, { registration: 'registered' }],
  ['a lost connection', ready, { type: 'connection-lost', retryAt: 5 }, { registration: 'reconnecting', retryAt: 5 }],
  ['retrying stays reconnecting', at({ microphone: 'granted', registration: 'reconnecting' }), { type: 'registering' }, 'unchanged'],
  ['registered again', at({ microphone: 'granted', registration: 'reconnecting', retryAt: 5 }), { type: 'registered' }, { registration: 'registered', retryAt: null }],
  ['stopped (signed out)', { ...ready, call: 'in-call' }, { type: 'stopped' }, { registration: 'unregistered', call: 'idle' }],
  ['a call rings a registered phone', ready, { type: 'incoming' }, { call: 'ringing' }],
  ['no call rings an unregistered phone', at({ microphone: 'granted' }), { type: 'incoming' }, 'unchanged'],
  ['no second call on a busy phone', { ...ready, call: 'in-call' }, { type: 'incoming' }, 'unchanged'],
  ['answering', { ...ready, call: 'ringing' }, { type: 'answering' }, { call: 'answering' }],
  ['answered', { ...ready, call: 'answering' }, { type: 'answered' }, { call: 'in-call' }],
  ['nothing to answer when idle', ready, { type: 'answered' }, 'unchanged'],
  ['the call ends', { ...ready, call: 'in-call' }, { type: 'call-ended' }, { call: 'idle' }],
  ['a tone is counted', ready, { type: 'tone' }, { tones: 1 }],
  ['an ICE failure is kept for the agent to read', { ...ready, call: 'in-call' }, { type: 'problem', problem: 'ice' }, { problem: 'ice' }],
  ['the next answered call clears a media problem', { ...ready, call: 'answering', problem: 'media' }, { type: 'answered' }, { call: 'in-call', problem: null }],
  ['registering again clears refused credentials', at({ microphone: 'granted', registration: 'reconnecting', problem: 'credentials' }), { type: 'registered' }, { registration: 'registered', problem: null }],
];

describe('the desk phone’s state machine', () => {
  it.each(rows)('%s', (_name, before, event, expected) => {
    const after = phoneReducer(before, event);
    if (expected === 'unchanged') expect(after).toBe(before);
    else expect(after).toEqual({ ...before, ...expected });
  });
});
