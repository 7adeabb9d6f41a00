// The desk state served by GET /ui/agent/state (mirrors src/web/agent-desktop.ts).

export type AgentState = 'offline' | 'ready' | 'paused' | 'reserved' | 'talking' | 'wrap-up';

export interface DeskCall {
  callId: string;
  campaignId: number;
  contactId: number;
  attemptNo: number | null;
  phoneNumber: string;
  linkedit: string | null;
  framing: 'allowed' | 'denied' | 'unknown' | 'checking';
  connectedAt: number;
  endedAt: number | null;
  status: string | null;
  note: string | null;
  /** While the call is up: hold, mute and transfer as they are now. */
  controls?: CallControlView | null;
  /** This agent's part ended with a transfer (the call went on with someone else). */
  transferred?: boolean;
  /** This agent was consulted (or in conference) and dropped; the call went on without it. */
  consultEnded?: boolean;
}

/** A party of a transfer or conference. */
export type PartyRef = { kind: 'agent'; agentCode: string } | { kind: 'number'; number: string };

/** Call controls as the server keeps them (src/engine/call-controls.ts). */
export interface CallControlView {
  held: boolean;
  heldSince: number | null;
  holdMs: number;
  muted: boolean;
  transfer: { party: PartyRef; mode: 'blind' | 'attended'; phase: 'ringing' | 'answered' | 'conference' } | null;
  lastFailure: { party: PartyRef; reason: string } | null;
  transferredTo: PartyRef | null;
  handler: string | null;
}

/** GET /ui/agent/transfer-targets. */
export interface TransferTargets {
  agents: { agentCode: string; stationId: string }[];
  supervisors: { username: string }[];
  external: { allowed: boolean; prefixes: string[] };
}

export interface DeskState {
  desk: { agentCode: string; stationId: string } | null;
  agent: {
    state: AgentState;
    pauseReason: string | null;
    /** Pause asked for during the call, taken when it (and its wrap-up) is over. */
    pauseAfterCall?: { reason: string | null } | null;
    since: number;
    callsTaken: number;
    wrapUpEndsAt?: number | null;
  } | null;
  call: DeskCall | null;
  /** Preview: the contact offered before any call. */
  offer?: DeskOffer | null;
  /** A preview or manual leg placed for this agent, not connected yet (or the last one's outcome). */
  outbound?: DeskOutbound | null;
  /** A supervisor coaching the agent now (whisper or barge); listening is never shown. */
  coaching?: DeskCoaching | null;
  serverNow: number;
}

export interface DeskCoaching {
  mode: 'whisper' | 'barge';
  since: number;
  supervisor: string;
}

export interface DeskOffer {
  campaignId: number;
  contactId: number;
  phoneNumber: string;
  linkedit: string | null;
  framing: 'allowed' | 'denied' | 'unknown' | 'checking';
  attempts: number;
  offeredAt: number;
  autoDialAt: number | null;
  skipReasons: string[];
}

export interface DeskOutbound {
  callId: string;
  kind: 'preview' | 'manual';
  campaignId: number | null;
  contactId: number | null;
  phoneNumber: string;
  startedAt: number;
  state: 'dialing' | 'ringing' | 'answered' | 'ended';
  status: string | null;
  /** The called contact's CRM page, kept from its preview offer (null for a manual call). */
  linkedit: string | null;
  framing: 'allowed' | 'denied' | 'unknown' | 'checking';
}

/** One earlier attempt of a contact (GET /ui/agent/contact-history). */
export interface ContactAttempt {
  callId: string;
  attemptNo: number;
  startedAt: number;
  endedAt: number | null;
  status: string | null;
  agentCode: string | null;
  note: string | null;
  disposition: string | null;
  /** The code's labels in the campaign's profile (null: a code no longer configured). */
  dispositionLabel?: { vi: string; en: string } | null;
}
