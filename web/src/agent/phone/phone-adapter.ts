// What the desk's phone does, whatever carries it: the SIP adapter (JsSIP over WebSocket to
// Asterisk) or the simulated adapter (the simulated floor, registration through CCS). Both
// report through `dispatch` (phone-machine.ts) and answer dialer calls by themselves.
import type { PhoneEvent } from './phone-machine.ts';

/** GET /ui/agent/phone: the phone's identity and a short-lived password (memory only). */
export interface PhoneProvision {
  kind: 'sip' | 'simulated';
  agentMode: 'on-answer' | 'nailed-up';
  endpoint: string;
  sipUri: string;
  username: string;
  password: string;
  displayName: string;
  wsUrl: string | null;
  registerSeconds: number;
  iceServers: string[];
  /** `relay`: the peer connection gathers TURN relay candidates only (CCS_WEBRTC_ICE_TRANSPORT_POLICY). */
  iceTransportPolicy: 'all' | 'relay';
}

export interface PhoneAdapterDeps {
  provision: PhoneProvision;
  /** Where the phone's routes are: `/ui/agent/phone` (a desk) or `/ui/supervisor/phone`. */
  base: string;
  dispatch(event: PhoneEvent): void;
  /** The granted microphone stream (the device the agent chose). */
  microphone(): MediaStream | null;
  /** Where the other party is heard (its output device is the agent's choice). */
  speaker: HTMLAudioElement;
  /** Fresh credentials after the PBX refused the current ones (null: the desk holds no agent any more). */
  reprovision(): Promise<PhoneProvision | null>;
  /** The short auto-answer tone. */
  tone(): void;
}

export interface PhoneAdapter {
  /** Registers, and keeps the phone registered (re-registering after a loss) until `stop`. */
  start(): void;
  /** Unregisters and lets go of the line. */
  stop(): Promise<void>;
  /**
   * The desk's view of the agent's call changed (a new customer connected, or none): the
   * simulated floor answers by it; in nailed-up mode a new customer is announced by the tone.
   */
  deskCall(callId: string | null): void;
  /** The microphone changed (another input device): the call in progress uses it at once. */
  microphoneChanged(stream: MediaStream): void;
}

/** Retry delays after a lost registration: 1 s doubling up to 8 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(8000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * Delays after a registration the PBX refused or failed (attempt 0 the first): 2 s doubling up
 * to 5 min. A phone whose endpoint the PBX does not have is refused every time; it must not ask
 * every few seconds all shift long, and it still registers by itself once the endpoint exists.
 */
export function registrationRetryMs(attempt: number): number {
  return Math.min(300_000, 2000 * 2 ** Math.max(0, attempt));
}
