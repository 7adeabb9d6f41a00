// Shapes of the operator API (/ops/…) the dashboard reads (see src/application/operator-views.ts).

export interface CampaignView {
  campaignid: number;
  typeid: number | null;
  state: 'scheduled' | 'running' | 'stopping' | 'finished';
  finishStatus: 'completed' | 'expired' | 'closed' | null;
  starttime: string;
  endtime: string;
  receivedAt: string;
  profile: { name: string; dialMode: string; agentGroup: string; powerRatio?: number; abandonTarget?: number };
  counts: {
    contactTotal: number;
    contactsFinal: number;
    contactsPending: number;
    contactsDialing: number;
    contactsAnswered: number;
    contactsDnc: number;
    attempts: number;
    attemptsByStatus: Record<string, number>;
  };
  abandonRate: number;
  liveCalls: number;
  /** A supervisor's pause and pacing override (null fields: the profile's value). */
  control?: {
    paused: boolean;
    dialMode: string | null;
    powerRatio: number | null;
    abandonTarget: number | null;
    updatedAt: string;
    updatedBy: string;
    profileDefaults: { dialMode: string; powerRatio: number; abandonTarget: number };
  } | null;
}

export interface LiveCallView {
  callid: string;
  campaignid: number;
  contactId: number;
  attemptNo: number;
  phonenumber: string;
  state: string;
  agentcode: string | null;
  /** When the customer picked up (contract datetime), null while ringing. */
  answeredAt: string | null;
  seconds: number;
}

export interface AgentView {
  agentcode: string;
  station_id: string;
  group: string;
  state: string;
  pauseReason: string | null;
  secondsInState: number;
  callid: string | null;
  callsTaken: number;
  /** The contact a preview campaign offers the agent before any call (state reserved). */
  preview?: { campaignid: number; contactId: number } | null;
}

export interface OutboxStats {
  pending: number;
  dead: number;
  delivered: number;
  oldestPendingAgeSeconds: number | null;
}

export interface CallbackView {
  id: number;
  campaignid: number;
  kind: 'update' | 'finish';
  state: string;
  attempts: number;
  createdAt: string;
  lastError: string | null;
}

export interface ContactView {
  contactId: number;
  phonenumber: string;
  linkedit: string | null;
  state: string;
  outcome: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: string | null;
  waitReason: string | null;
}

export interface AttemptView {
  callid: string;
  contactId: number;
  attemptNo: number;
  number: string;
  state: string;
  status: string | null;
  agentcode: string | null;
  starttime: string;
  connectedAt: string | null;
  endtime: string | null;
  duration: number | null;
  recording: string | null;
  /** Set when the retention job deleted the recording (then `recording` is null). */
  recordingDeletedAt?: string | null;
  note: string | null;
  /** The agent's wrap-up disposition code. */
  disposition?: string | null;
}

export interface MinuteCounts {
  at: number;
  counts: Record<string, number>;
  total: number;
}
