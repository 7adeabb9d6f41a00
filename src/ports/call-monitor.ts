/**
 * The call-monitoring port: how a supervisor's phone is let into a connected call, kept apart
 * from the telephony port (src/ports/telephony.ts) so monitoring can change without touching
 * how calls are placed and bridged. The simulated floor models it
 * (src/telephony/simulator/simulated-call-monitor.ts); Asterisk implements it with ARI snoop
 * channels (src/telephony/asterisk-ari/ari-call-monitor.ts).
 *
 * Glossary:
 *  - session   one supervisor monitoring one call; its id is chosen by the caller.
 *  - endpoint  the supervisor's phone as the PBX dials it (e.g. `PJSIP/sup1`), from the
 *              supervisor's account (`monitorEndpoint`).
 *  - mode      listen (the supervisor hears both sides, silent), whisper (only the agent hears
 *              the supervisor), barge (everyone hears everyone).
 *
 * Rules every implementation follows:
 *  - `begin` refuses (`MonitorRefusal`) a call that is not connected to an agent; it resolves
 *    once the PBX accepted the requests (the supervisor's phone may still be ringing).
 *  - `change` switches the mode without hanging up the supervisor's phone.
 *  - A session that ends by itself (its call ended, the supervisor hung up, the PBX lost it) is
 *    reported once as an `ended` event; one ended by `end` is not reported.
 */
import type { MonitorMode } from '../domain/monitoring-session.ts';

export interface MonitorRequest {
  sessionId: string;
  callId: string;
  /** The agent connected to the call (as the engine knows it). */
  agentCode: string;
  /** Where the supervisor's audio goes, e.g. `PJSIP/sup1`. */
  endpoint: string;
  mode: MonitorMode;
}

export type MonitorEvent = {
  type: 'ended';
  sessionId: string;
  reason: 'call-ended' | 'supervisor-left' | 'failed';
  /** The implementation's own words, for logs. */
  detail?: string;
  at: number;
};

export type MonitorListener = (event: MonitorEvent) => void;

/** Why a session could not begin or change; `code` is stable. */
export class MonitorRefusal extends Error {
  constructor(
    readonly code: 'not-connected' | 'unknown-session' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'MonitorRefusal';
  }
}

export interface CallMonitor {
  readonly name: string;
  /** Starts delivering events to `listener` (and connects to the PBX where there is one). */
  start(listener: MonitorListener): Promise<void>;
  /** Ends every session and releases resources. */
  stop(): Promise<void>;
  begin(request: MonitorRequest): Promise<void>;
  change(sessionId: string, mode: MonitorMode): Promise<void>;
  /** Hangs up the supervisor's leg; an unknown or ended session is ignored. */
  end(sessionId: string): Promise<void>;
}
