/**
 * Historical reports through the operator API and `ccs report`, on a running service: the
 * JSON, the CSV and the XLSX (opened with a spreadsheet reader) hold the same figures, bad
 * queries answer 400 in the /ops error shape, and the command line prints an aligned table,
 * --json, --csv, and one-line errors.
 */
import { Value } from '@sinclair/typebox/value';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { settleMacrotasks, VirtualClock } from '../../src/clock/virtual-clock.ts';
import { reportSchemas } from '../../src/http/api-schemas.ts';
import { campaignBody } from '../support/campaigns.ts';
import { seedReportFloor } from '../support/report-floor.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

const csvRows = (text: string) => text.trimEnd().split('\r\n').map((line) => line.split(','));

async function ccs(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('reports through /ops and ccs report', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService('sqlite', { CCS_TIMEZONE: 'Asia/Ho_Chi_Minh' });
    await seedReportFloor(svc.service.store);
  });
  afterAll(async () => svc?.stop());

  it('answers the report as JSON with the figures of the floor', async () => {
    const r = await svc.request('GET', '/ops/reports?from=2025-06-02&to=2025-06-02&by=agent');
    expect(r.status).toBe(200);
    expect(r.json.rows.map((row: any) => [row.agentCode, row.attempts, row.reached, row.talkSeconds])).toEqual([
      ['A01', 2, 2, 300],
      ['A02', 1, 1, 300],
      [null, 5, 0, 0],
    ]);
    expect(r.json.total).toMatchObject({ attempts: 8, reached: 3, talkSeconds: 600, abandonRate: 0.4, occupancy: 0.0833 });
    expect(Value.Check(reportSchemas.json.response[200], r.json)).toBe(true);
    const byHour = (await svc.request('GET', '/ops/reports?from=2025-06-01&to=2025-06-03&by=campaign,agent,hour')).json;
    expect(Value.Check(reportSchemas.json.response[200], byHour)).toBe(true);
  });

  it('exports the same figures as CSV and as XLSX', async () => {
    const q = 'from=2025-06-02&to=2025-06-03&by=campaign,day';
    const json = (await svc.request('GET', `/ops/reports?${q}`)).json;
    const csv = await svc.request('GET', `/ops/reports.csv?${q}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="ccs-report-campaign-day-2025-06-02_2025-06-03.csv"');
    const rows = csvRows(csv.text);
    expect(rows[0]).toEqual(['campaign', 'day', 'attempts', 'reached', 'talk_seconds', 'hold_seconds', 'wrapup_seconds', 'occupancy', 'abandon_rate', 'ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED']);
    expect(rows.slice(1)).toEqual([
      ['1', '2025-06-02', '5', '2', '420', '0', '0', '0.0583', '0.3333', '2', '1', '1', '0', '0', '1'],
      ['1', '2025-06-03', '1', '1', '60', '0', '0', '0.0167', '0', '1', '0', '0', '0', '0', '0'],
      ['2', '2025-06-02', '3', '1', '180', '0', '0', '0.05', '0.5', '1', '0', '0', '1', '0', '1'],
      ['total', '', '9', '4', '660', '0', '0', '0.0611', '0.3333', '4', '1', '1', '1', '0', '2'],
    ]);
    expect(json.rows).toHaveLength(3);
    expect(json.total.talkSeconds).toBe(660);

    const response = await fetch(`${svc.url}/ops/reports.xlsx?${q}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const sheet = await readSheet(Buffer.from(await response.arrayBuffer()));
    expect(sheet.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))).toEqual(rows);
    expect(typeof sheet[1]![2]).toBe('number');
  });

  it('refuses a bad query with 400 in the /ops error shape', async () => {
    for (const q of ['from=2025-13-01', 'by=week', 'from=2025-06-03&to=2025-06-02', 'campaign=abc']) {
      for (const path of ['/ops/reports', '/ops/reports.csv', '/ops/reports.xlsx']) {
        const r = await svc.request('GET', `${path}?${q}`);
        expect(r.status, `${path}?${q}`).toBe(400);
        expect(r.json).toEqual({ error: { code: 'bad-request', message: expect.any(String) } });
      }
    }
  });

  it('documents the report routes in /openapi.json', async () => {
    const doc = (await svc.request('GET', '/openapi.json')).json;
    expect(doc.paths['/ops/reports'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['from', 'to', 'by', 'campaign', 'agent']));
    expect(doc.paths['/ops/reports.csv'].get.responses['200'].content).toHaveProperty('text/csv');
    expect(doc.paths['/ops/reports.xlsx'].get.responses['200'].content).toHaveProperty('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  });

  it('ccs report prints an aligned table with a total line', async () => {
    const r = await ccs(['report', '--url', svc.url, '--from', '2025-06-02', '--to', '2025-06-02', '--by', 'agent']);
    expect(r).toMatchObject({ code: 0, err: '' });
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('Report 2025-06-02 (Asia/Ho_Chi_Minh), by agent');
    expect(lines[1]).toMatch(/^AGENT\s+ATTEMPTS\s+REACHED\s+TALK\s+HOLD\s+WRAP-UP\s+OCCUPANCY\s+ABANDON\s+NO ANSWER\s+BUSY\s+FAILED\s+CONGESTION\s+ABANDONED\s+CODES$/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['A01', '2', '2', '5m 00s'],
      ['A02', '1', '1', '5m 00s'],
      ['(none)', '5', '0', '0s'],
      ['total', '8', '3', '10m 00s'],
    ]);
    // Aligned: every line of the table as wide as its header's columns.
    const at = lines[1]!.indexOf('ATTEMPTS') + 'ATTEMPTS'.length;
    for (const line of lines.slice(2)) expect(line[at - 1]).toMatch(/\d/);
  });

  it('ccs report --json and --csv give the service answer; a bad option is one line', async () => {
    const json = await ccs(['report', '--url', svc.url, '--from', '2025-06-02', '--to', '2025-06-02', '--campaign-id', '2', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ by: ['campaign'], rows: [{ campaignId: 2, attempts: 3 }], total: { attempts: 3 } });
    const csv = await ccs(['report', '--url', svc.url, '--from', '2025-06-02', '--to', '2025-06-02', '--agent', 'A02', '--csv']);
    expect(csv.code).toBe(0);
    expect(csv.out.split('\n')[1]).toBe('1,1,1,300,0,0,0.0833,0,1,0,0,0,0,0');
    const bad = await ccs(['report', '--url', svc.url, '--by', 'week']);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toBe('');
    expect(bad.err).toMatch(/^ccs: CCS answered 400: by must name campaign, agent, day, hour .*\n$/);
    expect(bad.err.split('\n')).toHaveLength(2);
  });
});

describe('wrap-up time on the simulated floor', () => {
  let svc: RunningService;
  afterAll(async () => svc?.stop());

  it("a call answered by a simulated agent reports its talk and the agent's time in wrap-up (virtual time)", async () => {
    const start = Date.UTC(2026, 0, 5, 2); // Monday 09:00 in Ho Chi Minh City
    const clock = new VirtualClock(start, { settle: () => settleMacrotasks(4) });
    svc = await startService(
      'sqlite',
      {
        CCS_SIM_AGENTS: '1',
        CCS_SIM_WRAPUP_SECONDS: '7',
        CCS_SIM_ANSWER_RATE: '1',
        CCS_SIM_BUSY_RATE: '0',
        CCS_SIM_CONGESTION_RATE: '0',
        CCS_SIM_FAIL_RATE: '0',
        CCS_SIM_RING_SECONDS: '3',
        CCS_SIM_TALK_SECONDS: '42',
      },
      { clock },
    );
    // The agent's wrap-up as the engine saw it (virtual time runs on while the call's end is written, so it lasts 7 s or a little more).
    const wrapUp: number[] = [];
    svc.service.engine.events.on('agent:state', (e) => wrapUp.push(e.activity === 'wrap-up' ? -e.at : e.at));
    const sent = await svc.request('POST', '/api/sendCampaign', { body: campaignBody(77, { now: start, contacts: 1 }) });
    expect(sent.json).toEqual({ campaignid: 77, status: 1 });
    const total = async () => (await svc.request('GET', '/ops/reports?from=2026-01-05&to=2026-01-05&campaign=77')).json.total;
    expect(await clock.runUntil(async () => (await total()).wrapUpSeconds > 0, 5 * 60_000, 500)).toBe(true);
    const entered = wrapUp.findIndex((v) => v < 0);
    const wrapUpMs = wrapUp[entered + 1]! + wrapUp[entered]!;
    expect(wrapUpMs).toBeGreaterThanOrEqual(7000);
    expect(await total()).toMatchObject({
      attempts: 1,
      reached: 1,
      talkSeconds: 42,
      wrapUpSeconds: Math.round(wrapUpMs / 1000),
      occupancy: Math.round(((42_000 + wrapUpMs) / 3_600_000) * 10_000) / 10_000, // of one agent-hour
    });
  }, 60_000);
});
