/**
 * The operator API of a service running with its defaults (no CCS_OPERATOR_TOKEN), reached by
 * a page of another site in a browser on the same machine: every /ops route family refuses it
 * and nothing changes, while the local command line keeps working.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignBody } from '../support/campaigns.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

/** A GET naming another host, as a page whose DNS name was rebound to 127.0.0.1 sends (fetch cannot set Host). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

const CROSS_SITE = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };

describe('/ops without a token against cross-site browser requests', () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService('sqlite');
    await svc.request('POST', '/api/sendCampaign', { body: campaignBody(801, { startInMs: 3_600_000, contacts: 2 }) });
  });
  afterAll(() => svc?.stop());

  it('refuses closing a campaign, adding a do-not-call number and reading pacing or audit from another site', async () => {
    expect((await svc.request('POST', '/ops/campaigns/801/close', { headers: CROSS_SITE })).status).toBe(401);
    expect((await svc.request('POST', '/ops/dnc', { body: { number: '0987000001' }, headers: CROSS_SITE })).status).toBe(401);
    expect((await svc.request('GET', '/ops/pacing', { headers: CROSS_SITE })).status).toBe(401);
    expect((await svc.request('GET', '/ops/audit/attempts.csv', { headers: CROSS_SITE })).status).toBe(401);
    expect(await statusWithHost(`${svc.url}/ops/campaigns/801`, 'rebound.evil.example:8080')).toBe(401);
    const campaign = await svc.request('GET', '/ops/campaigns/801');
    expect(campaign.json).toMatchObject({ state: 'scheduled' });
    expect((await svc.request('GET', '/ops/dnc/0987000001')).status).toBe(404);
  });

  it('still serves the local command line', async () => {
    expect((await svc.request('GET', '/ops/pacing')).status).toBe(200);
    expect((await svc.request('POST', '/ops/campaigns/801/close')).status).toBe(200);
  });
});
