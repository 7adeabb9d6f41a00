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

/** Which keys the sums are grouped by; the hour is the UTC hour of the attempts' start. */
export interface ReportGrouping {
  campaign: boolean;
  agent: boolean;
  hour: boolean;
}

export interface ReportSumsRow extends ReportSums {
  campaignId: number | null;
  /** null: attempts no agent took (never bridged), or not grouped by agent. */
  agentCode: string | null;
  hour: number | null;
}

export interface ReportStore {
  sums(filter: ReportFilter, by: ReportGrouping): Promise<ReportSumsRow[]>;
}
