/**
 * Supervisors' live control of the floor in storage (src/store/campaign-control-repository.ts):
 * a campaign's pause and pacing overrides, agents moved to another group, and the audit trail
 * of every change (who, when, what, before → after). A change and its audit row are written in
 * one transaction, so the engine can load the state back after a restart.
 */
import type { PacedOrPreview } from '../domain/campaign-control.ts';

/** A campaign's overrides: null fields use its profile's value. */
export interface CampaignControl {
  campaignId: number;
  paused: boolean;
  dialMode: PacedOrPreview | null;
  powerRatio: number | null;
  abandonTarget: number | null;
  updatedAt: number;
  updatedBy: string;
}

export interface ControlAuditEntry {
  id: number;
  at: number;
  actor: string;
  /** `campaign` (id) or `agent` (agent code). */
  targetKind: 'campaign' | 'agent';
  targetId: string;
  /** pause, resume, pacing, group. */
  action: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export type NewControlAudit = Omit<ControlAuditEntry, 'id'>;

export interface CampaignControlStore {
  loadCampaignControls(): Promise<CampaignControl[]>;
  loadAgentGroups(): Promise<{ agentCode: string; group: string }[]>;
  saveCampaignControl(control: CampaignControl, audit: NewControlAudit): Promise<void>;
  saveAgentGroup(agentCode: string, group: string, at: number, audit: NewControlAudit): Promise<void>;
  listAudit(filter: { targetKind?: 'campaign' | 'agent'; targetId?: string; limit?: number }): Promise<ControlAuditEntry[]>;
}
