// The agent's phone in the browser, as one state machine the desk renders. Three parts:
//
// - registration: unregistered → registering → registered; a lost WebSocket or network (or a
//   registration the PBX no longer has) → reconnecting, where the phone retries by itself
//   until it is registered again; stopping the phone (sign-out) → unregistered;
// - microphone: unknown (not asked yet) → asking → granted | denied; a denied microphone
//   blocks the phone (it does not register, so no customer is sent to the agent);
// - call: idle → ringing → answering → in-call → idle; in nailed-up mode the call is the
//   agent's one line into the holding bridge, up for the whole shift.
//
// `problem` is the last failure a person should read (ICE or media, credentials refused, no
// microphone device); `tones` counts the auto-answer tones played (a new customer).
// Adapters (simulated-adapter.ts, sip-adapter.ts) send events; `phoneReducer` is the only place
// the state changes, and refuses what does not fit the state (returns it unchanged).

export type Registration = 'unregistered' | 'registering' | 'registered' | 'reconnecting';
export type Microphone = 'unknown' | 'asking' | 'granted' | 'denied';
export type CallState = 'idle' | 'ringing' | 'answering' | 'in-call';
export type PhoneProblem = 'ice' | 'media' | 'credentials' | 'no-device' | 'unsupported' | 'provisioning';

export interface PhoneState {
  registration: Registration;
  microphone: Microphone;
  call: CallState;
  problem: PhoneProblem | null;
  /** While reconnecting: when the next attempt is due (ms since epoch), if known. */
  retryAt: number | null;
  tones: number;
}

export type PhoneEvent =
  | { type: 'mic-asking' }
  | { type: 'mic-granted' }
  | { type: 'mic-denied'; noDevice?: boolean }
  | { type: 'registering' }
  | { type: 'registered' }
  | { type: 'connection-lost'; retryAt: number | null }
  | { type: 'stopped' }
  | { type: 'incoming' }
  | { type: 'answering' }
  | { type: 'answered' }
  | { type: 'call-ended' }
  | { type: 'tone' }
  | { type: 'problem'; problem: PhoneProblem }
  | { type: 'problem-cleared' };

export const initialPhoneState: PhoneState = { registration: 'unregistered', microphone: 'unknown', call: 'idle', problem: null, retryAt: null, tones: 0 };

export function phoneReducer(s: PhoneState, e: PhoneEvent): PhoneState {
  switch (e.type) {
    case 'mic-asking':
      return s.microphone === 'granted' ? s : { ...s, microphone: 'asking' };
    case 'mic-granted':
      return { ...s, microphone: 'granted', problem: s.problem === 'no-device' ? null : s.problem };
    case 'mic-denied':
      // A phone without a microphone takes no calls: it is not (or no longer) registered.
      return { ...s, microphone: 'denied', problem: e.noDevice ? 'no-device' : s.problem, registration: 'unregistered', call: 'idle', retryAt: null };
    case 'registering':
      if (s.microphone !== 'granted') return s;
      // Retrying after a loss stays "reconnecting" for the agent until it succeeds.
      return s.registration === 'unregistered' ? { ...s, registration: 'registering' } : s;
    case 'registered':
      if (s.microphone !== 'granted') return s;
      return { ...s, registration: 'registered', retryAt: null, problem: s.problem === 'credentials' || s.problem === 'provisioning' ? null : s.problem };
    case 'connection-lost':
      if (s.registration === 'unregistered' && s.microphone !== 'granted') return s;
      return { ...s, registration: 'reconnecting', retryAt: e.retryAt };
    case 'stopped':
      return { ...s, registration: 'unregistered', call: 'idle', retryAt: null };
    case 'incoming':
      return s.registration === 'registered' && s.call === 'idle' ? { ...s, call: 'ringing' } : s;
    case 'answering':
      return s.call === 'ringing' ? { ...s, call: 'answering' } : s;
    case 'answered':
      return s.call === 'answering' || s.call === 'ringing' ? { ...s, call: 'in-call', problem: s.problem === 'ice' || s.problem === 'media' ? null : s.problem } : s;
    case 'call-ended':
      return s.call === 'idle' ? s : { ...s, call: 'idle' };
    case 'tone':
      return { ...s, tones: s.tones + 1 };
    case 'problem':
      return { ...s, problem: e.problem };
    case 'problem-cleared':
      return s.problem === null ? s : { ...s, problem: null };
  }
}
