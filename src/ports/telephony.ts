/**
 * The telephony port: the one interface every driver (simulated call floor, Asterisk ARI)
 * implements and the engine alone talks to.
 *
 * Rules every driver follows, so a real PBX fits without changing the engine:
 * - Calls are asynchronous. Commands resolve when the PBX accepted them; what happens next
 *   arrives as events. Events may arrive before a command's promise resolves.
 * - The engine chooses the call id (unique per attempt); drivers use it as their channel id
 *   where the PBX allows, and always report events under it.
 * - Events may arrive late or twice; the engine treats them idempotently and only moves an
 *   attempt forward.
 * - Every placed leg ends with exactly one `ended` event carrying its cause (a repeat is
 *   harmless). A `placeCall` that rejects means the leg never existed: no `ended` is owed,
 *   and the engine gives the attempt back (nothing was dialled). So a driver rejects only when
 *   the carrier was not reached; a leg that was dialled and failed ends with `ended`.
 * - A driver may restart or lose its PBX: it reports `driver` down/up; afterwards the engine
 *   asks `liveCalls()` and reconciles every attempt the PBX no longer knows.
 */
import type { HangupCause } from '../domain/disposition.ts';

export interface AgentRef {
  /** Agent code as reported to the CRM, e.g. `Agent/9001`. */
  agentCode: string;
  /** Station (extension) as reported to the CRM, e.g. `9001`. */
  stationId: string;
  /** Driver-specific address of the agent's phone (e.g. `PJSIP/9001`); optional for the simulator. */
  endpoint?: string;
}

export interface PlaceCallRequest {
  callId: string;
  /** Number in dial form (digits, optional leading +). */
  number: string;
  callerId: string | null;
  ringTimeoutSeconds: number;
  /** Channel limit of the trunk this call goes through (0 = none); a driver enforces it. */
  trunkChannelLimit: number;
  /** Labels the PBX may keep with its own records (e.g. CDR userfield). */
  tags: { campaignId: number; contactId: number; attemptNo: number };
}

export type RecordingOutcome =
  | { status: 'saved'; key: string }
  | { status: 'none' | 'failed'; reason: string };

export type TelephonyEvent =
  | { type: 'ringing'; callId: string; at: number }
  /** The customer picked up. */
  | { type: 'answered'; callId: string; at: number }
  /** The customer is bridged with the agent. */
  | { type: 'connected'; callId: string; agentCode: string; at: number }
  | {
      type: 'ended';
      callId: string;
      at: number;
      cause: HangupCause;
      /** Driver's own words for logs (SIP status, Q.850 cause…). */
      detail?: string;
      /** Only for calls that were connected with recording on. */
      recording?: RecordingOutcome;
      /**
       * Instead of `recording`: the recording is still being stored (its folder refused a
       * write and the store keeps trying, bounded). The engine frees the agent and the
       * capacity at once and writes the call's outcome and update once this settles.
       */
      recordingLater?: Promise<RecordingOutcome>;
    }
  /** An agent's phone came up or went away. */
  | {
      type: 'agent';
      agentCode: string;
      stationId: string;
      presence: 'online' | 'offline';
      /** Unattended agents return to ready by themselves after this many seconds of wrap-up. */
      autoWrapUpSeconds?: number;
    }
  /** The driver's link to its PBX. */
  | { type: 'driver'; state: 'up' | 'down'; reason?: string };

export type TelephonyListener = (event: TelephonyEvent) => void;

export interface TelephonyHealth {
  ready: boolean;
  reason?: string;
}

export interface TelephonyDriver {
  readonly name: string;
  /** Connects to the PBX and starts delivering events to `listener`. */
  start(listener: TelephonyListener): Promise<void>;
  /** Stops delivering events and releases resources; calls in flight are left to the PBX. */
  stop(): Promise<void>;
  /** Places a customer leg. Rejects (with a reason) when the leg could not be placed at all. */
  placeCall(request: PlaceCallRequest): Promise<void>;
  /**
   * Bridges an answered customer with an agent; with `record`, records the conversation and
   * reports the stored recording in the call's `ended` event. Resolves when the PBX accepted
   * the request; `connected` confirms the bridge. An agent phone that fails later (rings out,
   * hangs up) is reported as an `agent` offline event, and the engine finds the customer
   * another agent.
   */
  connectAgent(callId: string, agent: AgentRef, options: { record: boolean }): Promise<void>;
  /** The customer answered and no agent can take them: play the short message, then hang up. */
  abandonCall(callId: string): Promise<void>;
  /** Hangs up the customer leg (and its agent leg, if any). Unknown or ended calls are ignored. */
  hangup(callId: string): Promise<void>;
  /** Ids of calls the PBX still has up. */
  liveCalls(): Promise<string[]>;
  /** Brings an agent's phone into service (nailed-up drivers call it now); presence follows as an event. */
  signInAgent(agent: AgentRef): Promise<void>;
  signOutAgent(agentCode: string): Promise<void>;
  health(): TelephonyHealth;
}
