/** Report sums over the rollup table (src/store/report-rollup.ts): a GROUP BY over hours, not attempts. */
import { sql, type Kysely } from 'kysely';
import { DISPOSITIONS } from '../domain/disposition.ts';
import type { ReportStore, ReportSumsRow } from '../ports/report-store.ts';
import { STATUS_COLUMNS } from './report-rollup.ts';
import type { Database } from './schema.ts';

const num = (v: unknown) => Number(v ?? 0);

export function reportRepository(db: Kysely<Database>): ReportStore {
  return {
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
          // Distinct (agent, hour) pairs in the group: the hours an agent was taking calls.
          sql<number>`count(distinct case when agent_code <> '' then agent_code || '@' || cast(hour as text) end)`.as('agent_hours'),
        ]);
      if (filter.campaignIds?.length) q = q.where('campaign_id', 'in', [...filter.campaignIds]);
      if (filter.agentCodes?.length) q = q.where('agent_code', 'in', [...filter.agentCodes]);
      if (by.campaign) q = q.select('campaign_id').groupBy('campaign_id');
      if (by.agent) q = q.select('agent_code').groupBy('agent_code');
      if (by.hour) q = q.select('hour').groupBy('hour');
      const rows = (await q.execute()) as Record<string, unknown>[];
      return rows
        .filter((r) => num(r.attempts) > 0)
        .map(
          (r): ReportSumsRow => ({
            campaignId: by.campaign ? num(r.campaign_id) : null,
            agentCode: by.agent && r.agent_code !== '' ? String(r.agent_code) : null,
            hour: by.hour ? num(r.hour) : null,
            attempts: num(r.attempts),
            dispositions: Object.fromEntries(DISPOSITIONS.map((d) => [d, num(r[STATUS_COLUMNS[d]])])) as ReportSumsRow['dispositions'],
            talkMs: num(r.talk_ms),
            holdMs: num(r.hold_ms),
            wrapUpMs: num(r.wrapup_ms),
            agentHours: num(r.agent_hours),
          }),
        );
    },
  };
}
