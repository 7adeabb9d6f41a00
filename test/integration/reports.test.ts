/**
 * Historical report figures on a small known floor, on SQLite and PostgreSQL: every figure
 * equals the value worked out by hand below, attempts count once ended (open and unplaced
 * legs do not), days and hours are local (Asia/Ho_Chi_Minh, UTC+7), an agent taking calls for
 * two campaigns in one hour is one agent-hour, and the rollup kept at each attempt's end
 * equals the one rebuilt from the attempts (as the migration builds it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseReportQuery, runReport, type ReportQuery } from '../../src/application/reports.ts';
import { attemptCallId } from '../../src/domain/callbacks.ts';
import { reportCsv } from '../../src/application/report-files.ts';
import { dispositionRepository } from '../../src/store/disposition-repository.ts';
import { rebuildReportCodes, rebuildReportRollup } from '../../src/store/report-rollup.ts';
import { reportRepository } from '../../src/store/report-repository.ts';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { TZ } from '../contract/store-conformance/fixtures.ts';
import { local, seedReportFloor as seed } from '../support/report-floor.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const NOW = local(2, 18, 0);
function query(params: Record<string, string>): ReportQuery {
  const parsed = parseReportQuery(params, NOW, TZ);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.query;
}

const dispositions = (d: Partial<Record<string, number>>) => ({ ANSWERED: 0, 'NO ANSWER': 0, BUSY: 0, FAILED: 0, CONGESTION: 0, ABANDONED: 0, ...d });

describe.each(DIALECTS)('historical reports on %s', (dialect) => {
  let testDb: TestDatabase;
  let opened: SqlDatabase;
  afterEach(async () => {
    await opened?.store.close();
    await testDb?.drop();
  });

  async function seeded() {
    testDb = await createTestDatabase(dialect);
    opened = await openSqlDatabase(testDb.url);
    await seed(opened.store);
    return reportRepository(opened.db);
  }

  it('per campaign for one day: hand-computed attempts, reached, talk, occupancy, abandon rate and dispositions', async () => {
    const reports = await seeded();
    const r = await runReport(reports, query({}), TZ);
    expect(r).toMatchObject({ from: '2025-06-02', to: '2025-06-02', by: ['campaign'], timeZone: TZ });
    expect(r.rows).toEqual([
      {
        campaignId: 1,
        attempts: 5,
        reached: 2,
        talkSeconds: 420,
        holdSeconds: 0,
        wrapUpSeconds: 0,
        occupancy: 0.0583, // 420 s over 2 agent-hours (A01 at 08, A02 at 09)
        abandonRate: 0.3333, // 1 abandoned / (2 bridged + 1 abandoned)
        dispositions: dispositions({ ANSWERED: 2, 'NO ANSWER': 1, ABANDONED: 1, BUSY: 1 }),
        codes: {},
      },
      {
        campaignId: 2,
        attempts: 3,
        reached: 1,
        talkSeconds: 180,
        holdSeconds: 0,
        wrapUpSeconds: 0,
        occupancy: 0.05, // 180 s over 1 agent-hour
        abandonRate: 0.5,
        dispositions: dispositions({ ANSWERED: 1, FAILED: 1, ABANDONED: 1 }),
        codes: {},
      },
    ]);
    // A01 took calls for both campaigns between 08:00 and 09:00: one agent-hour, not two.
    expect(r.total).toEqual({
      attempts: 8,
      reached: 3,
      talkSeconds: 600,
      holdSeconds: 0,
      wrapUpSeconds: 0,
      occupancy: 0.0833,
      abandonRate: 0.4,
      dispositions: dispositions({ ANSWERED: 3, 'NO ANSWER': 1, BUSY: 1, FAILED: 1, ABANDONED: 2 }),
      codes: {},
    });
  });

  it('per agent: attempts no agent took form their own row, last', async () => {
    const reports = await seeded();
    const r = await runReport(reports, query({ by: 'agent' }), TZ);
    expect(r.rows.map((row) => [row.agentCode, row.attempts, row.reached, row.talkSeconds, row.occupancy, row.abandonRate])).toEqual([
      ['A01', 2, 2, 300, 0.0833, 0],
      ['A02', 1, 1, 300, 0.0833, 0],
      [null, 5, 0, 0, null, 1],
    ]);
  });

  it('per local hour and per local day over a date range, with campaign and agent filters', async () => {
    const reports = await seeded();
    const hours = await runReport(reports, query({ by: 'campaign,hour', campaign: '1' }), TZ);
    expect(hours.rows.map((row) => [row.campaignId, row.hour, row.attempts, row.talkSeconds])).toEqual([
      [1, '2025-06-02 08:00', 3, 120],
      [1, '2025-06-02 09:00', 2, 300],
    ]);
    expect(hours.total.attempts).toBe(5);

    const days = await runReport(reports, query({ from: '2025-06-01', to: '2025-06-03', by: 'day' }), TZ);
    expect(days.rows.map((row) => [row.day, row.attempts, row.reached, row.talkSeconds])).toEqual([
      ['2025-06-02', 8, 3, 600],
      ['2025-06-03', 1, 1, 60],
    ]);
    expect(days.total.attempts).toBe(9);

    const a01 = await runReport(reports, query({ agent: 'A01' }), TZ);
    expect(a01.rows.map((row) => [row.campaignId, row.attempts, row.talkSeconds])).toEqual([
      [1, 1, 120],
      [2, 1, 180],
    ]);

    const empty = await runReport(reports, query({ from: '2025-06-04', to: '2025-06-04' }), TZ);
    expect(empty.rows).toEqual([]);
    expect(empty.total).toMatchObject({ attempts: 0, occupancy: null, abandonRate: null });
  });

  it('adds each wrap-up to its call once: wrap-up time and occupancy follow, and the rebuilt rollup keeps them', async () => {
    const reports = await seeded();
    expect(await reports.recordWrapUp(attemptCallId(1, 1, 1), 45_000)).toBe(true); // A01, 08:10
    expect(await reports.recordWrapUp(attemptCallId(2, 1, 1), 15_000)).toBe(true); // A01, 08:30, other campaign
    expect(await reports.recordWrapUp(attemptCallId(1, 1, 1), 45_000)).toBe(false); // once only
    expect(await reports.recordWrapUp(attemptCallId(1, 2, 1), 10_000)).toBe(false); // no agent took it
    expect(await reports.recordWrapUp('ccs-9-9-9', 10_000)).toBe(false); // unknown (a manual call)
    const r = await runReport(reports, query({}), TZ);
    expect(r.rows.map((row) => [row.campaignId, row.wrapUpSeconds, row.occupancy])).toEqual([
      [1, 45, 0.0646], // (420 + 45) s over 2 agent-hours
      [2, 15, 0.0542], // (180 + 15) s over 1 agent-hour
    ]);
    expect(r.total).toMatchObject({ wrapUpSeconds: 60, occupancy: 0.0917 }); // (600 + 60) s over 2 agent-hours
    await rebuildReportRollup(opened.db);
    expect(await runReport(reports, query({}), TZ)).toEqual(r);
  });

  it("counts the agents' wrap-up codes, recorded with the disposition, per row and in the CSV", async () => {
    const reports = await seeded();
    const codes = dispositionRepository(opened.db, dialect);
    const give = (callId: string, code: string) => codes.recordDisposition({ callId, code, by: 'agent', at: local(2, 12, 0), reopen: null, callback: null, dnc: null, crmExtra: null });
    await give(attemptCallId(1, 1, 1), 'sale'); // A01
    await give(attemptCallId(1, 4, 1), 'interested'); // A02
    await give(attemptCallId(2, 1, 1), 'sale'); // A01
    const r = await runReport(reports, query({ by: 'campaign,agent' }), TZ);
    expect(r.rows.map((row) => [row.campaignId, row.agentCode, row.codes])).toEqual([
      [1, 'A01', { sale: 1 }],
      [1, 'A02', { interested: 1 }],
      [1, null, {}],
      [2, 'A01', { sale: 1 }],
      [2, null, {}],
    ]);
    expect(r.total.codes).toEqual({ interested: 1, sale: 2 });
    const csv = reportCsv(r).trimEnd().split('\r\n').map((line) => line.split(','));
    expect(csv[0]!.slice(-2)).toEqual(['code:interested', 'code:sale']);
    expect(csv.map((line) => line.slice(-2))).toEqual([
      ['code:interested', 'code:sale'],
      ['0', '1'],
      ['1', '0'],
      ['0', '0'],
      ['0', '1'],
      ['0', '0'],
      ['1', '2'],
    ]);
    await rebuildReportCodes(opened.db);
    expect(await runReport(reports, query({ by: 'campaign,agent' }), TZ)).toEqual(r);
  });

  it('groups local days the same in SQL (constant offset) and from hours (a daylight-saving change in the range)', async () => {
    const reports = await seeded();
    const paris = 'Europe/Paris';
    const days = (from: string) => runReport(reports, { from, to: '2025-06-03', by: ['campaign', 'day'], campaignIds: [], agentCodes: [] }, paris);
    const summer = await days('2025-06-01'); // CEST throughout: grouped by day in SQL
    const acrossChange = await days('2025-03-29'); // CET → CEST on 30 March: grouped by hour, folded into days
    expect(acrossChange.rows).toEqual(summer.rows);
    expect(summer.rows.map((r) => [r.campaignId, r.day, r.attempts])).toEqual([
      [1, '2025-06-02', 5],
      [1, '2025-06-03', 1],
      [2, '2025-06-02', 3],
    ]);
  });

  it('the rollup kept at each end equals the rollup rebuilt from the attempts', async () => {
    const reports = await seeded();
    const q = query({ from: '2025-06-01', to: '2025-06-03', by: 'campaign,agent,hour' });
    const kept = await runReport(reports, q, TZ);
    await rebuildReportRollup(opened.db);
    expect(await runReport(reports, q, TZ)).toEqual(kept);
    expect(kept.total.attempts).toBe(9);
  });
});

describe('report query', () => {
  it('defaults to today by campaign and refuses bad dates, groupings and filters', () => {
    expect(parseReportQuery({}, NOW, TZ)).toEqual({ query: { from: '2025-06-02', to: '2025-06-02', by: ['campaign'], campaignIds: [], agentCodes: [] } });
    expect(parseReportQuery({ by: 'hour,agent' }, NOW, TZ)).toMatchObject({ query: { by: ['agent', 'hour'] } });
    expect(parseReportQuery({ from: '2025-02-30' }, NOW, TZ)).toHaveProperty('error');
    expect(parseReportQuery({ from: '2025-06-03', to: '2025-06-02' }, NOW, TZ)).toHaveProperty('error');
    expect(parseReportQuery({ by: 'week' }, NOW, TZ)).toHaveProperty('error');
    expect(parseReportQuery({ by: 'day,hour' }, NOW, TZ)).toHaveProperty('error');
    expect(parseReportQuery({ campaign: '1,x' }, NOW, TZ)).toHaveProperty('error');
  });
});
