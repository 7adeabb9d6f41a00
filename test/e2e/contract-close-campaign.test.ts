/**
 * closeCampaign (spec 1.2, decisions 3.4–3.6) and the service's other public endpoints,
 * through real HTTP on SQLite and PostgreSQL, with a real CRM receiver.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractMessage } from '../../src/domain/messages.ts';
import { campaignBody } from '../support/campaigns.ts';
import { TestCrm, waitFor } from '../support/crm-receiver.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

describe.each(DIALECTS)('closeCampaign on %s', (dialect) => {
  let svc: RunningService;
  const crm = new TestCrm();

  beforeAll(async () => {
    await crm.start();
    svc = await startService(dialect, { CCS_CRM_URL: crm.url });
  });
  afterAll(async () => {
    await svc?.stop();
    await crm.stop();
  });

  it('closes a campaign that has not started, and finishCampaign reports it closed with its totals', async () => {
    await svc.request('POST', '/api/sendCampaign', { body: campaignBody(501, { startInMs: 3_600_000, contacts: 3 }) });
    const r = await svc.request('GET', '/api/closeCampaign/501');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ campaignid: 501, status: 1 });
    await waitFor(() => crm.finishes(501).length === 1);
    expect(crm.finishes(501)[0]).toEqual({ campaignid: 501, status: 'closed', contact_total: 3, contact_success: 0 });
    const finish = crm.received.find((c) => c.path === '/api/finishCampaign' && c.body.campaignid === 501)!;
    expect(finish.headers['idempotency-key']).toBe('finish-501');
    expect(finish.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers a repeated close with 200 and sends no second finishCampaign', async () => {
    await svc.request('POST', '/api/sendCampaign', { body: campaignBody(502) });
    expect((await svc.request('GET', '/api/closeCampaign/502')).json).toEqual({ campaignid: 502, status: 1 });
    await waitFor(() => crm.finishes(502).length === 1);
    const again = await svc.request('GET', '/api/closeCampaign/502');
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ campaignid: 502, status: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(crm.finishes(502)).toHaveLength(1);
    const state = (await svc.request('GET', '/ops/campaigns/502')).json;
    expect(state).toMatchObject({ state: 'finished', finishStatus: 'closed' });
  });

  it('refuses an unknown campaign id with the "does not exist" message', async () => {
    const r = await svc.request('GET', '/api/closeCampaign/999999');
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ campaignid: 999999, status: 0, error_msg: ContractMessage.campaignUnknown });
  });

  it.each(['abc', '12abc', '-4', '0', '1.5'])('refuses the non-integer id %s with 400', async (id) => {
    const r = await svc.request('GET', `/api/closeCampaign/${id}`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0 });
  });

  it('answers a wrong method on closeCampaign with the contract error shape', async () => {
    const r = await svc.request('POST', '/api/closeCampaign/1', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 0, error_msg: ContractMessage.invalidInput });
  });

  it('answers closeCampaign without an id in the contract error shape', async () => {
    const r = await svc.request('GET', '/api/closeCampaign/');
    expect(r.status).toBe(400);
    expect(r.json.status).toBe(0);
  });
});

describe('health, documentation and metrics', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService('sqlite');
  });
  afterAll(async () => svc?.stop());

  it('reports liveness and readiness', async () => {
    expect((await svc.request('GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await svc.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json.checks.database.ok).toBe(true);
    expect(ready.json.checks.telephony.ok).toBe(true);
  });

  it('serves an OpenAPI 3 document describing the contract endpoints and callbacks', async () => {
    const doc = (await svc.request('GET', '/openapi.json')).json;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/sendCampaign', '/api/closeCampaign/{id}']));
    expect(Object.keys(doc.components.schemas.UpdateCampaign.properties)).toHaveLength(13);
    const docs = await svc.request('GET', '/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('exposes Prometheus metrics for requests and the outbox', async () => {
    await svc.request('GET', '/api/closeCampaign/1');
    const text = (await svc.request('GET', '/metrics')).text;
    expect(text).toMatch(/ccs_http_requests_total\{method="GET",route="\/api\/closeCampaign\/:id",status="400"\} 1/);
    expect(text).toContain('ccs_outbox_backlog{state="pending"} 0');
    expect(text).toContain('ccs_outbox_oldest_pending_age_seconds');
    expect(text).toContain('ccs_callback_deliveries_total');
  });

  it('answers unknown paths under /api in the contract error shape', async () => {
    const r = await svc.request('GET', '/api/nothing');
    expect(r.status).toBe(404);
    expect(r.json.status).toBe(0);
  });
});

describe('optional protection of the CRM endpoints', () => {
  it('requires X-API-Key when CCS_API_KEY is set', async () => {
    const svc = await startService('sqlite', { CCS_API_KEY: 's3cret' });
    try {
      const denied = await svc.request('POST', '/api/sendCampaign', { body: campaignBody(1) });
      expect(denied.status).toBe(401);
      expect(denied.json.status).toBe(0);
      expect((await svc.request('GET', '/ops/campaigns/1')).status).toBe(404);
      const ok = await svc.request('POST', '/api/sendCampaign', { body: campaignBody(1), headers: { 'x-api-key': 's3cret' } });
      expect(ok.status).toBe(200);
    } finally {
      await svc.stop();
    }
  });

  it('refuses addresses outside CCS_API_ALLOW_IPS and admits those inside', async () => {
    const outside = await startService('sqlite', { CCS_API_ALLOW_IPS: '10.0.0.0/8' });
    try {
      const r = await outside.request('GET', '/api/closeCampaign/1');
      expect(r.status).toBe(403);
      expect(r.json.status).toBe(0);
    } finally {
      await outside.stop();
    }
    const inside = await startService('sqlite', { CCS_API_ALLOW_IPS: '127.0.0.0/8,::1' });
    try {
      expect((await inside.request('GET', '/api/closeCampaign/1')).json.error_msg).toBe(ContractMessage.campaignUnknown);
    } finally {
      await inside.stop();
    }
  });
});

describe('replaying a dead finishCampaign', () => {
  it('replays the dead updates of its campaign first, so the CRM still gets every update before the finish', async () => {
    const crm = new TestCrm();
    await crm.start();
    crm.mode = 'fail';
    const configDir = mkdtempSync(join(tmpdir(), 'ccs-cfg-'));
    const configFile = join(configDir, 'ccs.config.json');
    writeFileSync(configFile, JSON.stringify({ defaultProfile: { ruleSet: 'dnc-only' } }));
    const svc = await startService('sqlite', { CCS_CRM_URL: crm.url, CCS_CRM_MAX_AGE_HOURS: '0.001', CCS_CONFIG: configFile });
    try {
      // A number on the do-not-call list gives an updateCampaign without any call.
      expect((await svc.request('POST', '/ops/dnc', { body: { number: '0987654300', source: 'test' } })).status).toBeLessThan(300);
      await svc.request('POST', '/api/sendCampaign', { body: campaignBody(601, { startInMs: 3_600_000, contacts: 2 }) });
      await svc.request('GET', '/api/closeCampaign/601');
      await waitFor(async () => (await svc.request('GET', '/ops/outbox?state=dead')).json.callbacks.length === 2, 20_000);
      const dead = (await svc.request('GET', '/ops/outbox?state=dead')).json.callbacks;
      const finish = dead.find((c: any) => c.kind === 'finish');
      crm.mode = 'ok';
      expect((await svc.request('POST', `/ops/outbox/${finish.id}/replay`)).status).toBe(200);
      await waitFor(() => crm.finishes(601).length === 1);
      expect(crm.received.map((r) => r.path)).toEqual(['/api/updateCampaign', '/api/finishCampaign']);
      expect(crm.updates(601)[0]).toMatchObject({ status: 'DNC', callid: 'dnc-601-1' });
    } finally {
      await svc.stop();
      await crm.stop();
    }
  });
});
