/** Report sums over the rollup table (src/store/report-rollup.ts): a GROUP BY over hours, not attempts. */
import { sql, type Kysely } from 'kysely';
import { DISPOSITIONS } from '../domain/disposition.ts';
import type { ReportGrouping, ReportStore, ReportSumsRow } from '../ports/report-store.ts';
import { addWrapUpToReportRollup, STATUS_COLUMNS } from './report-rollup.ts';
import type { Database } from './schema.ts';

const num = (v: unknown) => Number(v ?? 0);

/**
 * Distinct (agent, hour) pairs in a group: the hours an agent was taking calls. The key is
 * (campaign, agent, hour), so within one campaign every row with an agent is a distinct pair
 * and a plain count does; across campaigns one agent-hour may span rows and needs a distinct.
 */
function agentHours(by: ReportGrouping) {
  if (by.campaign) return sql<number>`sum(case when agent_code <> '' then 1 else 0 end)`;
  if (by.agent && by.time === 'hour') return sql<number>`max(case when agent_code <> '' then 1 else 0 end)`;
  if (by.agent) return sql<number>`count(distinct case when agent_code <> '' then hour end)`;
  if (by.time === 'hour') return sql<number>`count(distinct case when agent_code <> '' then agent_code end)`;
  return sql<number>`count(distinct case when agent_code <> '' then agent_code || '@' || cast(hour as text) end)`;
}

export function reportRepository(db: Kysely<Database>): ReportStore {
  /** The grouping keys of a rollup query, the same for both tables. */
  function grouped<Q extends { select: any; groupBy: any }>(q: Q, by: ReportGrouping): Q {
    let g: any = q;
    if (by.campaign) g = g.select('campaign_id').groupBy('campaign_id');
    if (by.agent) g = g.select('agent_code').groupBy('agent_code');
    if (by.time === 'hour') g = g.select(sql<number>`hour`.as('time')).groupBy('hour');
    else if (by.time) {
      // Local days as whole UTC days after shifting by the zone's (constant) offset; a literal
      // so PostgreSQL sees the grouped expression repeated exactly.
      const day = sql.raw(`(hour + ${Math.trunc(by.time.dayOffsetMs)}) / 86400000`);
      g = g.select(sql<number>`${day}`.as('time')).groupBy(day);
    }
    return g;
  }
  const keys = (r: Record<string, unknown>, by: ReportGrouping) => ({
    campaignId: by.campaign ? num(r.campaign_id) : null,
    agentCode: by.agent && r.agent_code !== '' ? String(r.agent_code) : null,
    time: by.time === null ? null : by.time === 'hour' ? num(r.time) : num(r.time) * 86_400_000,
  });

  return {
    async codes(filter, by) {
      let q = db.selectFrom('report_codes').where('hour', '>=', filter.from).where('hour', '<', filter.to).select(['code', sql<number>`sum(attempts)`.as('attempts')]).groupBy('code');
      if (filter.campaignIds?.length) q = q.where('campaign_id', 'in', [...filter.campaignIds]);
      if (filter.agentCodes?.length) q = q.where('agent_code', 'in', [...filter.agentCodes]);
      const rows = (await grouped(q, by).execute()) as Record<string, unknown>[];
      return rows.map((r) => ({ ...keys(r, by), code: String(r.code), attempts: num(r.attempts) }));
    },
    recordWrapUp: (callId, wrapUpMs) => addWrapUpToReportRollup(db, callId, Math.round(wrapUpMs)),

    async sums(filter, by) {
      let q = db
        .selectFrom('report_hourly')
        .where('hour', '>=', filter.from)
        .where('hour', '<', filter.to)
        .select([
          sql<number>`sum(attempts)`.as('attempts'),
          ...DISPOSITIONS.map((d) => sql<number>`sum(${sql.ref(STATUS_COLUMNS[d])})`.as(STATUS_COLUMNS[d])),
          sql<number>`sum(talk_ms)`.as('talk_ms'),
          sql<number>`sum(hold_ms)`.as('hold_ms'),
          sql<number>`sum(wrapup_ms)`.as('wrapup_ms'),
          agentHours(by).as('agent_hours'),
        ]);
      if (filter.campaignIds?.length) q = q.where('campaign_id', 'in', [...filter.campaignIds]);
      if (filter.agentCodes?.length) q = q.where('agent_code', 'in', [...filter.agentCodes]);
      q = grouped(q, by);
      const rows = (await q.execute()) as Record<string, unknown>[];
      return rows
        .filter((r) => num(r.attempts) > 0)
        .map(
          (r): ReportSumsRow => ({
            ...keys(r, by),
            attempts: num(r.attempts),
            dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, num(r[STATUS_COLUMNS[d]])])) as ReportSumsRow['dispositions'],
            talkMs: num(r.talk_ms),
            holdMs: num(r.hold_ms),
            wrapUpMs: num(r.wrapup_ms),
            agentHours: num(r.agent_hours),
            codes: {},
          }),
        );
    },
  };
}
