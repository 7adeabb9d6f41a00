/**
 * Where monitoring sessions are audited: who monitored which call (its campaign and agent),
 * each mode with the times it was in force, and how the session ended (migration 016).
 */
import type { EndReason, MonitorMode } from '../domain/monitoring-session.ts';

export interface ModePeriod {
  mode: MonitorMode;
  from: number;
  /** Null while the mode is in force. */
  to: number | null;
}

export interface MonitoringRecord {
  id: number;
  supervisor: string;
  callId: string;
  /** 0 for a manual call. */
  campaignId: number;
  agentCode: string;
  endpoint: string;
  startedAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  modes: ModePeriod[];
}

export type NewMonitoringRecord = Omit<MonitoringRecord, 'id' | 'endedAt' | 'endReason' | 'modes'>;

export interface MonitoringStore {
  /** Stores a new session (no mode yet); resolves with its id. */
  open(record: NewMonitoringRecord): Promise<number>;
  /** Replaces the session's mode periods and, once it ended, its end. */
  save(id: number, change: { modes: ModePeriod[]; endedAt: number | null; endReason: EndReason | null }): Promise<void>;
  /** Sessions newest first; `open`: those not ended (a restart ends them, see `closeOpen`). */
  list(filter: { limit?: number; supervisor?: string; callId?: string }): Promise<MonitoringRecord[]>;
  /** Ends sessions left open by a stop of this node (their supervisor's leg is gone); returns how many. */
  closeOpen(at: number): Promise<number>;
}
