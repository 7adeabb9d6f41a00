/**
 * The compliance operator API: the do-not-call list (add, look up, remove, import as CSV or
 * JSON, export), the auditor's CSV of a campaign's attempts, and the operator guard.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_COLUMNS } from '../../../src/compliance/audit-csv.ts';
import { splitCsvLine } from '../../../src/compliance/csv.ts';
import { registerComplianceRoutes } from '../../../src/http/compliance-routes.ts';
import { DIALECTS } from '../../support/databases.ts';
import { fmt, local, startComplianceHarness, TIME_ZONE, type ComplianceHarness } from '../../support/compliance-harness.ts';

const ads = { name: 'ads', typeIds: [1], purpose: 'advertising' as const, ruleSet: 'vn-decree-91', callerId: 'CCS-BRAND' };
const auth = { authorization: 'Bearer op-token' };

const csvRows = (text: string) =>
  text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => splitCsvLine(l, ','));

describe.each(DIALECTS)('compliance operator API on %s', (dialect) => {
  let h: ComplianceHarness;
  let app: FastifyInstance;

  beforeEach(async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 8, 30), profiles: [ads], agents: 2 });
    app = Fastify();
    registerComplianceRoutes(app, {
      auth: { token: 'op-token' },
      dnc: h.dnc,
      store: h.store,
      clock: h.clock,
      timeZone: TIME_ZONE,
      status: { store: h.store, profiles: h.profiles, ruleSets: h.policy.ruleSets },
    });
  });

  afterEach(async () => {
    await app.close();
    await h.close();
  });

  it('refuses requests without operator credentials before reading the body', async () => {
    const res = await app.inject({ method: 'POST', url: '/ops/dnc/import', headers: { 'content-type': 'text/csv' }, payload: '0912000001\n' });
    expect(res.statusCode).toBe(401);
    expect(await h.dnc.count()).toBe(0);
  });

  it('adds, looks up (any spelling) and removes a single number', async () => {
    const added = await app.inject({ method: 'POST', url: '/ops/dnc', headers: auth, payload: { number: '0912 000 001', source: 'customer-request' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ number: '0912 000 001', key: '+84912000001', source: 'customer-request', addedAt: '2026-01-05 08:30:00' });
    const found = await app.inject({ method: 'GET', url: `/ops/dnc/${encodeURIComponent('+84912000001')}`, headers: auth });
    expect(found.json()).toMatchObject({ key: '+84912000001', source: 'customer-request' });
    expect((await app.inject({ method: 'POST', url: '/ops/dnc', headers: auth, payload: { number: 'abc' } })).statusCode).toBe(400);
    expect((await app.inject({ method: 'DELETE', url: '/ops/dnc/84912000001', headers: auth })).json()).toEqual({ removed: '84912000001' });
    expect((await app.inject({ method: 'GET', url: '/ops/dnc/0912000001', headers: auth })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/ops/dnc/0912000001', headers: auth })).statusCode).toBe(404);
  });

  it('imports CSV and JSON, reports the counts, and exports a CSV that imports back', async () => {
    const csv = 'number,source\n0912000001,national-register\n+84912000001,national-register\nnot-a-number,x\n0912000002\n';
    const r1 = await app.inject({ method: 'POST', url: '/ops/dnc/import?source=crm-export', headers: { ...auth, 'content-type': 'text/csv' }, payload: csv });
    expect(r1.statusCode).toBe(200);
    expect(r1.json()).toEqual({ received: 4, stored: 2, invalid: 1, duplicates: 1, listed: 2 });
    expect(await h.dnc.get('0912000002')).toMatchObject({ source: 'crm-export' });

    const r2 = await app.inject({ method: 'POST', url: '/ops/dnc/import', headers: auth, payload: ['0912000003', { number: '0912000004', source: 'hotline' }] });
    expect(r2.json()).toEqual({ received: 2, stored: 2, invalid: 0, duplicates: 0, listed: 4 });
    expect((await app.inject({ method: 'POST', url: '/ops/dnc/import', headers: auth, payload: { number: '1' } })).statusCode).toBe(400);

    const exported = await app.inject({ method: 'GET', url: '/ops/dnc/export', headers: auth });
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    const rows = csvRows(exported.body);
    expect(rows[0]).toEqual(['number', 'key', 'source', 'added_at']);
    expect(rows.slice(1).map((r) => r[1]).sort()).toEqual(['+84912000001', '+84912000002', '+84912000003', '+84912000004']);
    expect(rows.find((r) => r[1] === '+84912000004')).toEqual(['0912000004', '+84912000004', 'hotline', '2026-01-05 08:30:00']);

    for (const n of ['0912000001', '0912000002', '0912000003', '0912000004']) await h.dnc.remove(n);
    const back = await app.inject({ method: 'POST', url: '/ops/dnc/import', headers: { ...auth, 'content-type': 'text/csv' }, payload: exported.body });
    expect(back.json()).toMatchObject({ stored: 4, invalid: 0, listed: 4 });
    expect(await h.dnc.get('0912000004')).toMatchObject({ source: 'hotline' });
  });

  it('gives the auditor one CSV row per attempt with the rule set, the checks passed, the DNC check time and why it was allowed', async () => {
    await h.send({
      id: 51,
      typeId: 1,
      startsAt: local(2026, 1, 5, 9),
      endsAt: local(2026, 1, 5, 16),
      contacts: [
        { id: 1, phone: '0912000001' },
        { id: 2, phone: '0912000002' },
      ],
    });
    await h.clock.advanceTo(local(2026, 1, 5, 9, 30));
    expect(h.placedFor(51)).toHaveLength(2);

    expect((await app.inject({ method: 'GET', url: '/ops/audit/attempts.csv', headers: auth })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/ops/audit/attempts.csv?campaignId=999', headers: auth })).statusCode).toBe(404);
    const res = await app.inject({ method: 'GET', url: '/ops/audit/attempts.csv?campaignId=51', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = csvRows(res.body);
    expect(header).toEqual([...AUDIT_COLUMNS]);
    expect(rows).toHaveLength(2);
    const col = (row: string[], name: (typeof AUDIT_COLUMNS)[number]) => row[AUDIT_COLUMNS.indexOf(name)];
    for (const row of rows) {
      expect(col(row, 'campaign_id')).toBe('51');
      expect(col(row, 'rule_set')).toBe('vn-decree-91');
      expect(col(row, 'purpose')).toBe('advertising');
      expect(col(row, 'checks_passed')).toBe('brand-caller-id hours dnc frequency-cap-24h');
      expect(col(row, 'dnc_checked_at')).toBe(fmt(local(2026, 1, 5, 9)));
      expect(col(row, 'started_at')).toBe(fmt(local(2026, 1, 5, 9)));
      expect(col(row, 'started_at_utc')).toBe('2026-01-05T02:00:00.000Z');
      expect(col(row, 'recent_attempts')).toBe('24h=0');
      expect(col(row, 'caller_id')).toBe('CCS-BRAND');
      expect(col(row, 'status')).toBe('ANSWERED');
      expect(col(row, 'allowed_because')).toBe(
        'brand-name caller id CCS-BRAND configured; inside vn-decree-91 hours 08:00–17:00 Asia/Ho_Chi_Minh; not on the do-not-call list; 0 earlier call(s) in the last 24h, 1 allowed',
      );
    }
    expect(rows.map((r) => col(r, 'subscriber')).sort()).toEqual(['+84912000001', '+84912000002']);
  });
});
