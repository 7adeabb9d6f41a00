/**
 * Campaign control through /ops and `ccs pause|resume` on a running service (SQLite and
 * PostgreSQL): pause, resume and a pacing override answer with the control and leave audit
 * rows; bad values answer 400 in the /ops error shape and change nothing; an unknown campaign
 * answers 404, a finished one 409; agents move only to known groups; the pause is still there
 * after a restart of the service; the command line prints a summary, --json, and one-line errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { campaignBody } from '../support/campaigns.ts';
import { DIALECTS } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

async function ccs(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe.each(DIALECTS)('campaign control through /ops and ccs, on %s', (dialect) => {
  let svc: RunningService | undefined;
  afterEach(async () => {
    await svc?.stop();
    svc = undefined;
  });

  it('pause, pacing and resume over HTTP, audited; bad input changes nothing', async () => {
    svc = await startService(dialect, { CCS_OPERATOR_TOKEN: 'tok' });
    const auth = { authorization: 'Bearer tok' };
    expect((await svc.request('POST', '/api/sendCampaign', { body: campaignBody(31, { contacts: 3 }) })).status).toBe(200);

    const paused = await svc.request('POST', '/ops/campaigns/31/pause', { headers: auth });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ campaignid: 31, changed: true, control: { paused: true, dialMode: null, updatedBy: 'operator-token', profileDefaults: { dialMode: 'progressive' } } });

    for (const body of [{ dialMode: 'turbo' }, { powerRatio: 0 }, { abandonTarget: 0.9 }, { colour: 'red' }, {}]) {
      const bad = await svc.request('PUT', '/ops/campaigns/31/pacing', { headers: auth, body });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('bad-request');
    }
    const set = await svc.request('PATCH', '/ops/campaigns/31/pacing', { headers: auth, body: { dialMode: 'power', powerRatio: 2.5 } });
    expect(set.status).toBe(200);
    expect(set.json.control).toMatchObject({ paused: true, dialMode: 'power', powerRatio: 2.5, abandonTarget: null });
    const view = await svc.request('GET', '/ops/campaigns/31', { headers: auth });
    expect(view.json.profile).toMatchObject({ dialMode: 'power', powerRatio: 2.5 });
    expect(view.json.control).toMatchObject({ paused: true, dialMode: 'power' });

    expect((await svc.request('POST', '/ops/campaigns/999/pause', { headers: auth })).status).toBe(404);
    expect((await svc.request('POST', '/ops/campaigns/abc/pause', { headers: auth })).status).toBe(404);
    expect((await svc.request('POST', '/ops/campaigns/31/pause')).status).toBe(401);

    const audit = await svc.request('GET', '/ops/campaigns/31/control-audit', { headers: auth });
    expect(audit.json.audit.map((a: any) => [a.action, a.actor, a.after.paused, a.after.dialMode])).toEqual([
      ['pacing', 'operator-token', true, 'power'],
      ['pause', 'operator-token', true, null],
    ]);

    // Agents move only to a known group; an unknown agent is 404.
    expect((await svc.request('PUT', '/ops/agents/Agent%2F1/group', { headers: auth, body: { group: 'sales' } })).status).toBe(404);
    expect((await svc.request('GET', '/ops/agent-groups', { headers: auth })).json.groups).toEqual(['default']);

    const resumed = await svc.request('POST', '/ops/campaigns/31/resume', { headers: auth });
    expect(resumed.json).toMatchObject({ changed: true, control: { paused: false, dialMode: 'power' } });

    // A closed campaign has nothing left to control.
    await svc.request('POST', '/ops/campaigns/31/close', { headers: auth });
    const late = await svc.request('POST', '/ops/campaigns/31/pause', { headers: auth });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe('not-active');
  });

  it('ccs pause and ccs resume: a summary, --json, one-line errors; the pause outlives a restart', async () => {
    svc = await startService(dialect, { CCS_OPERATOR_TOKEN: 'tok' });
    await svc.request('POST', '/api/sendCampaign', { body: campaignBody(41, { contacts: 2 }) });
    const base = ['--url', svc.url, '--token', 'tok'];

    const p = await ccs(['pause', '41', ...base]);
    expect(p.code).toBe(0);
    expect(p.out).toMatch(/^Campaign 41 paused: no new calls/);
    expect(p.out).toMatch(/Paused\s+yes/);
    const again = await ccs(['pause', '41', ...base, '--json']);
    expect(JSON.parse(again.out)).toMatchObject({ campaignid: 41, changed: false, control: { paused: true } });
    const missing = await ccs(['pause', '4242', ...base]);
    expect(missing.code).not.toBe(0);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toContain('404');

    // The pause is in the database: a new service on the same data finds it.
    expect(svc.service.engine.controls.isPaused(41)).toBe(true);
    // (Its own fresh database and folder go unused and are removed by its stop.)
    const restarted = await startService(dialect, { CCS_OPERATOR_TOKEN: 'tok', CCS_DATA_DIR: svc.dataDir, CCS_DATABASE_URL: svc.service.config.databaseUrl });
    try {
      expect(restarted.service.engine.controls.isPaused(41)).toBe(true);
    } finally {
      await restarted.stop();
    }

    const r = await ccs(['resume', '41', ...base]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Campaign 41 resumed/);
    expect(svc.service.engine.controls.isPaused(41)).toBe(false);
  });
});
