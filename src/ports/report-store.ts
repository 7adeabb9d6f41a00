/** Sums for historical reports, read from the store's rollup (src/store/report-repository.ts). */
import type { ReportSums } from '../domain/report.ts';

export interface ReportFilter {
  /** Epoch ms, inclusive; whole hours. */
  from: number;
  /** Epoch ms, exclusive; whole hours. */
  to: number;
  campaignIds?: readonly number[];
  agentCodes?: readonly string[];
}

/**
 * Which keys the sums are grouped by. `time`: the UTC hour of the attempts' start, or the
 * local day for a zone whose offset from UTC (`offsetMs`) is constant over the range.
 */
export interface ReportGrouping {
  campaign: boolean;
  agent: boolean;
  time: null | 'hour' | { dayOffsetMs: number };
}

export interface ReportSumsRow extends ReportSums {
  campaignId: number | null;
  /** null: attempts no agent took (never bridged), or not grouped by agent. */
  agentCode: string | null;
  /** Epoch ms of the hour (time 'hour'), or of the local day's start shifted to UTC midnight (time day). */
  time: number | null;
}

/** Attempts given one wrap-up code, under the same keys as the sums. */
export interface ReportCodeRow {
  campaignId: number | null;
  agentCode: string | null;
  time: number | null;
  code: string;
  attempts: number;
}

export interface ReportStore {
  sums(filter: ReportFilter, by: ReportGrouping): Promise<ReportSumsRow[]>;
  codes(filter: ReportFilter, by: ReportGrouping): Promise<ReportCodeRow[]>;
  /** Stores the wrap-up that followed an answered attempt (once; false when unknown or stored already). */
  recordWrapUp(callId: string, wrapUpMs: number): Promise<boolean>;
}
