/**
 * Campaign control over Kysely (SQLite and PostgreSQL), sharing the store's connection: each
 * change and its audit row in one transaction (migration 011-campaign-control).
 */
import type { Kysely } from 'kysely';
import type { DialMode } from '../domain/profile.ts';
import type { CampaignControl, CampaignControlStore, ControlAuditEntry, NewControlAudit } from '../ports/campaign-control-store.ts';
import type { Database } from './schema.ts';

interface CampaignControlsTable {
  campaign_id: number;
  paused: number;
  dial_mode: string | null;
  power_ratio: number | null;
  abandon_target: number | null;
  updated_at: number;
  updated_by: string;
}

interface AgentGroupsTable {
  agent_code: string;
  group_name: string;
  updated_at: number;
}

interface ControlAuditTable {
  id: number;
  at: number;
  actor: string;
  target_kind: string;
  target_id: string;
  action: string;
  before: string;
  after: string;
}

type Tables = {
  campaign_controls: CampaignControlsTable;
  agent_groups: AgentGroupsTable;
  control_audit: ControlAuditTable;
};

type Db = Kysely<Database & Tables>;
type Tx = Kysely<Tables>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function campaignControlRepository(base: Kysely<Database>): CampaignControlStore {
  const db = base.withTables<Tables>() as Db;

  const writeAudit = (tx: Tx, audit: NewControlAudit) =>
    tx
      .insertInto('control_audit')
      .values({ at: audit.at, actor: audit.actor, target_kind: audit.targetKind, target_id: audit.targetId, action: audit.action, before: JSON.stringify(audit.before), after: JSON.stringify(audit.after) } as any)
      .execute();

  return {
    async loadCampaignControls() {
      const rows = await db.selectFrom('campaign_controls').selectAll().execute();
      return rows.map(
        (r): CampaignControl => ({
          campaignId: Number(r.campaign_id),
          paused: Number(r.paused) === 1,
          dialMode: (r.dial_mode as DialMode | null) ?? null,
          powerRatio: num(r.power_ratio),
          abandonTarget: num(r.abandon_target),
          updatedAt: Number(r.updated_at),
          updatedBy: r.updated_by,
        }),
      );
    },

    async loadAgentGroups() {
      const rows = await db.selectFrom('agent_groups').selectAll().execute();
      return rows.map((r) => ({ agentCode: r.agent_code, group: r.group_name }));
    },

    async saveCampaignControl(control, audit) {
      const row = {
        paused: control.paused ? 1 : 0,
        dial_mode: control.dialMode,
        power_ratio: control.powerRatio,
        abandon_target: control.abandonTarget,
        updated_at: control.updatedAt,
        updated_by: control.updatedBy,
      };
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('campaign_controls')
          .values({ campaign_id: control.campaignId, ...row })
          .onConflict((oc) => oc.column('campaign_id').doUpdateSet(row))
          .execute();
        await writeAudit(tx as unknown as Tx, audit);
      });
    },

    async saveAgentGroup(agentCode, group, at, audit) {
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('agent_groups')
          .values({ agent_code: agentCode, group_name: group, updated_at: at })
          .onConflict((oc) => oc.column('agent_code').doUpdateSet({ group_name: group, updated_at: at }))
          .execute();
        await writeAudit(tx as unknown as Tx, audit);
      });
    },

    async listAudit(filter) {
      let q = db.selectFrom('control_audit').selectAll();
      if (filter.targetKind) q = q.where('target_kind', '=', filter.targetKind);
      if (filter.targetId !== undefined) q = q.where('target_id', '=', filter.targetId);
      const rows = await q.orderBy('id', 'desc').limit(Math.min(1000, Math.max(1, filter.limit ?? 100))).execute();
      return rows.map(
        (r): ControlAuditEntry => ({
          id: Number(r.id),
          at: Number(r.at),
          actor: r.actor,
          targetKind: r.target_kind as 'campaign' | 'agent',
          targetId: r.target_id,
          action: r.action,
          before: JSON.parse(r.before) as Record<string, unknown>,
          after: JSON.parse(r.after) as Record<string, unknown>,
        }),
      );
    },
  };
}
