/**
 * Requests that must change nothing and leak nothing: a HEAD on closeCampaign (what link
 * checkers and chat previews send) and recording links whose path does not decode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/ports/logger.ts';
import { campaignBody } from '../support/campaigns.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

function capturingLogger(lines: string[]): Logger {
  const logger: Logger = {
    child: () => logger,
    debug: (obj, msg) => lines.push(JSON.stringify([obj, msg])),
    info: (obj, msg) => lines.push(JSON.stringify([obj, msg])),
    warn: (obj, msg) => lines.push(JSON.stringify([obj, msg])),
    error: (obj, msg) => lines.push(JSON.stringify([obj, msg])),
  };
  return logger;
}

describe.each(DIALECTS)('requests that change nothing on %s', (dialect) => {
  let svc: RunningService;
  const lines: string[] = [];

  beforeAll(async () => {
    svc = await startService(dialect, {}, { logger: capturingLogger(lines) });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it('does not close a campaign on HEAD /api/closeCampaign/<id>; GET still closes it', async () => {
    await svc.request('POST', '/api/sendCampaign', { body: campaignBody(601, { startInMs: 3_600_000, contacts: 2 }) });
    const head = await svc.request('HEAD', '/api/closeCampaign/601');
    expect(head.status).toBe(400);
    expect((await svc.request('GET', '/ops/campaigns/601')).json).toMatchObject({ state: 'scheduled' });
    const get = await svc.request('GET', '/api/closeCampaign/601');
    expect(get.json).toEqual({ campaignid: 601, status: 1 });
  });

  it('answers 400 or 404 for a recording path that does not decode, and logs no part of the signature', async () => {
    lines.length = 0;
    for (const path of ['/recordings/%25', '/recordings/2026/01/01/%E0%A4%A.wav', '/recordings/%zz/x.wav']) {
      const r = await svc.request('GET', `${path}?exp=99999999999&sig=S3CRETsig_value`);
      expect([400, 404], path).toContain(r.status);
    }
    expect(lines.join('\n')).not.toContain('S3CRETsig_value');
  });
});
