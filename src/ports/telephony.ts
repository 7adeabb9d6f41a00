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
 * - A driver over several PBXs (one agent can only be bridged to calls on its own PBX) offers
 *   `canConnect`; the engine then names, with each leg it places, the agents who could take it
 *   (`route`), offers a call only agents `canConnect` accepts, and never bridges any other.
 *
 * Call controls (on a connected call, by call id; see `CallControls` below):
 * - A control resolves when the PBX accepted it and its event confirms it (`held`, `resumed`,
 *   `muted`, `unmuted`, `consult`, `transferred`, `conference`). A control that does not fit
 *   the call's state rejects with a `CallControlError` and changes nothing; repeating a
 *   control already in force (hold on a held call) resolves and sends no event.
 * - Hold: the customer hears music on hold and the agent hears nothing; resume ends it. Mute
 *   silences the agent's audio to the customer (and to a consulted party); the agent still
 *   hears. The recording goes on through both.
 * - A transfer calls the target (another agent's phone, or a number through the trunk) while
 *   the customer is held: `consult` ringing → answered, or failed with a reason (`busy`,
 *   `no-answer`, `offline`, `failed`), after which the customer is resumed with the agent. A
 *   blind transfer completes by itself when the target answers; an attended one lets the
 *   agent talk to the target first, then `completeTransfer` (the agent leaves, the customer
 *   talks to the target: `transferred`), `conference` (all three talk: `conference` joined)
 *   or `cancelTransfer` (the target's leg is dropped: `consult` ended, then `resumed`).
 * - After `transferred` the call is the target's: the call's `ended` still comes once, when
 *   the customer leaves (or the target hangs up), and its recording covers every party. A
 *   target that hangs up during a consult ends the consult (customer resumed); during a
 *   conference it leaves (`conference` left) and the agent stays with the customer.
 * - `hangup` ends the whole call, consult leg included.
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
  /**
   * Who could take the call when it answers: the online agents of its group, or the one agent
   * a preview or manual leg is for. Given only to drivers that offer `canConnect`.
   */
  route?: CallRoute;
}

/** The agents a leg is placed for (see `PlaceCallRequest.route`). */
export interface CallRoute {
  group: string;
  agents: readonly AgentCandidate[];
}

/** An agent who could take a call, as the engine saw it when placing the leg. */
export interface AgentCandidate {
  readonly agentCode: string;
  /** Free now; otherwise on a call, in wrap-up, reserved or paused (may free up soon). */
  readonly ready: boolean;
}

export type RecordingOutcome =
  | { status: 'saved'; key: string }
  | { status: 'none' | 'failed'; reason: string };

/** Where a call is transferred: another agent's phone, or a number through the trunk. */
export type TransferTarget = { kind: 'agent'; agent: AgentRef } | { kind: 'number'; number: string; callerId?: string | null };

/** A party of a consult, transfer or conference, as events name it. */
export type PartyRef = { kind: 'agent'; agentCode: string } | { kind: 'number'; number: string };

/** Why a consult (or blind transfer) leg did not reach its target. */
export type ConsultFailure = 'busy' | 'no-answer' | 'offline' | 'failed';

export type CallControlRefusal =
  /** No live call with that id. */
  | 'no-call'
  /** The call is not connected to an agent (yet, or any more). */
  | 'not-connected'
  /** A transfer is already in progress (or none is, for complete, cancel and conference). */
  | 'transfer-state'
  /** The target cannot be called (unknown agent, bad number, the agent already on this call). */
  | 'invalid-target'
  /** DTMF digits outside 0-9 * # A-D. */
  | 'invalid-digits';

/** A call control refused by the driver because it does not fit the call's state. */
export class CallControlError extends Error {
  readonly code: CallControlRefusal;
  constructor(code: CallControlRefusal, message: string) {
    super(message);
    this.name = 'CallControlError';
    this.code = code;
  }
}

/** DTMF a driver sends: 1 to 32 of 0-9 * # A-D. */
export const DTMF_DIGITS = /^[0-9*#A-D]{1,32}$/;

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
  /** The customer is on hold (hears music on hold) / back with the agent. */
  | { type: 'held'; callId: string; at: number }
  | { type: 'resumed'; callId: string; at: number }
  /** The agent's audio to the customer is off / on again. */
  | { type: 'muted'; callId: string; at: number }
  | { type: 'unmuted'; callId: string; at: number }
  /** The transfer target's leg: ringing, answered (the agent talks to it), failed, or ended (cancelled or hung up). */
  | { type: 'consult'; callId: string; phase: 'ringing' | 'answered' | 'failed' | 'ended'; party: PartyRef; reason?: ConsultFailure; at: number }
  /** The customer now talks to `party`; the first agent has left the call. */
  | { type: 'transferred'; callId: string; party: PartyRef; at: number }
  /** A consulted party joined the customer and the agent, or left that conference. */
  | { type: 'conference'; callId: string; phase: 'joined' | 'left'; party: PartyRef; at: number }
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

/**
 * Operations on a connected call (rules in the header above). Each rejects with a
 * `CallControlError` when the call's state does not allow it.
 */
export interface CallControls {
  hold(callId: string): Promise<void>;
  resume(callId: string): Promise<void>;
  mute(callId: string): Promise<void>;
  unmute(callId: string): Promise<void>;
  /** Sends DTMF tones to the customer (e.g. an IVR the call reached). */
  sendDtmf(callId: string, digits: string): Promise<void>;
  /** Calls `target` while the customer is held; `blind` completes by itself when it answers. */
  transfer(callId: string, target: TransferTarget, options: { mode: 'blind' | 'attended' }): Promise<void>;
  /** The agent leaves; the customer talks to the consulted (or conferenced) party. */
  completeTransfer(callId: string): Promise<void>;
  /** Drops the consulted party (ringing, answered or in conference); the agent is back with the customer. */
  cancelTransfer(callId: string): Promise<void>;
  /** The consulted party joins the customer and the agent. */
  conference(callId: string): Promise<void>;
}

export interface TelephonyDriver extends CallControls {
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
  /**
   * Whether the agent can be bridged to this call (its phone is on the PBX that holds the
   * call). Absent: any agent can take any call. Offered by drivers over several PBXs.
   */
  canConnect?(callId: string, agentCode: string): boolean;
}
