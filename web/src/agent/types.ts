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
  serverNow: number;
}
