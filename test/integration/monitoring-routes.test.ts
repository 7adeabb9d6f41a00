/**
 * /ops/monitoring over HTTP against the real service on the simulated floor: a signed-in
 * supervisor monitors with their own session (the operator token, with no phone, may read the
 * log but not monitor), an agent may do neither, a request without the CSRF token changes
 * nothing, refusals carry their code, and the log shows each mode with its times.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringSchemas } from '../../src/http/api-schemas.ts';
import { ensureWebBuild } from '../e2e/support/browser.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';

describe('monitoring routes', () => {
  let crm: FakeCrm;
  let ccs: UiService;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    // Two virtual agents on long calls.
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_OPERATOR_TOKEN: 'ops-token', CCS_SIM_AGENTS: '2' } });
  }, 180_000);

  afterAll(async () => {
    await ccs?.close();
    await crm?.close();
  });

  async function signIn(username: string) {
    const response = await fetch(`${ccs.url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: ccs.url }, body: JSON.stringify({ username, password: username }) });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });
    return {
      get: async (path: string) => json(await fetch(`${ccs.url}${path}`, { headers: { cookie } })),
      post: async (path: string, body: unknown = {}, csrf = csrfToken) =>
        json(await fetch(`${ccs.url}${path}`, { method: 'POST', headers: { cookie, origin: ccs.url, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) })),
    };
  }
  /** What the answer breaks of its documented schema (nothing, when /openapi.json tells the truth). */
  const schemaErrors = (schema: unknown, value: unknown) => [...Value.Errors(schema as TSchema, value)].map((e) => `${e.path}: ${e.message}`);
  const withToken = (method: string, path: string, body?: unknown) =>
    fetch(`${ccs.url}${path}`, { method, headers: { authorization: 'Bearer ops-token', 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });

  it('a supervisor monitors over the API; the token reads the log but cannot monitor; an agent can do neither', async () => {
    await ccs.sendCampaign(5201, [
      { id: 1, phonenumber: '0987520001' },
      { id: 2, phonenumber: '0987520002' },
    ]);
    const calls = await eventually('two connected calls', () => {
      const connected = ccs.service.engine.liveCalls().filter((c) => c.state === 'connected');
      return connected.length === 2 ? connected : null;
    });
    const [first, second] = calls;
    const boss = await signIn('supervisor');
    const admin = await signIn('admin');
    const agent = await signIn('agent1');

    expect((await boss.post('/ops/monitoring', { callId: first!.callId, mode: 'listen' }, 'forged')).status).toBe(401);
    expect((await boss.get('/ops/monitoring/mine')).body).toEqual({ session: null });
    expect(await boss.post('/ops/monitoring', { callId: first!.callId, mode: 'shout' })).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } });
    expect(await boss.post('/ops/monitoring', { mode: 'listen' })).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } });

    const started = await boss.post('/ops/monitoring', { callId: first!.callId, mode: 'listen' });
    expect(schemaErrors(monitoringSchemas.start.response[200], started.body)).toEqual([]);
    expect(started).toMatchObject({ status: 200, body: { session: { supervisor: 'supervisor', callId: first!.callId, campaignId: 5201, agentCode: first!.agentCode, state: 'listening', mode: 'listen', endpoint: 'SIM/supervisor' } } });
    expect(await boss.post('/ops/monitoring/mine/mode', { mode: 'listen' })).toMatchObject({ status: 409, body: { error: { code: 'same-mode' } } });
    expect(await boss.post('/ops/monitoring/mine/mode', { mode: 'whisper' })).toMatchObject({ status: 200, body: { session: { state: 'whispering' } } });
    expect(await boss.post('/ops/monitoring', { callId: second!.callId, mode: 'listen' })).toMatchObject({ status: 409, body: { error: { code: 'busy' } } });
    expect(await admin.post('/ops/monitoring', { callId: first!.callId, mode: 'barge' })).toMatchObject({ status: 409, body: { error: { code: 'call-monitored' } } });
    expect(await admin.post('/ops/monitoring', { callId: second!.callId, mode: 'barge' })).toMatchObject({ status: 200, body: { session: { state: 'barging' } } });

    // The operator token (no phone) and the local command line cannot monitor; the token reads the log.
    expect((await withToken('POST', '/ops/monitoring', { callId: second!.callId, mode: 'listen' })).status).toBe(403);
    expect((await withToken('GET', '/ops/monitoring/mine')).status).toBe(403);
    const live = (await (await withToken('GET', '/ops/monitoring')).json()) as { active: { supervisor: string; mode: string }[] };
    expect(schemaErrors(monitoringSchemas.list.response[200], live)).toEqual([]);
    expect(schemaErrors(monitoringSchemas.mine.response[200], (await boss.get('/ops/monitoring/mine')).body)).toEqual([]);
    expect(live.active.map((s) => [s.supervisor, s.mode]).sort()).toEqual([
      ['admin', 'barge'],
      ['supervisor', 'whisper'],
    ]);
    // An agent is not an operator.
    expect((await agent.get('/ops/monitoring')).status).toBe(403);
    expect((await agent.post('/ops/monitoring', { callId: first!.callId, mode: 'listen' })).status).toBe(403);

    expect(await boss.post('/ops/monitoring/mine/stop')).toMatchObject({ status: 200, body: { session: { state: 'ended' } } });
    expect(await boss.post('/ops/monitoring/mine/stop')).toMatchObject({ status: 404, body: { error: { code: 'not-monitoring' } } });
    // The call of the admin's session ends: so does the session.
    await ccs.service.engine.hangupCall(second!.callId);
    await eventually('the admin session to end', async () => (await admin.get('/ops/monitoring/mine')).body.session === null);
    expect(await admin.post('/ops/monitoring', { callId: second!.callId, mode: 'listen' })).toMatchObject({ status: 409, body: { error: { code: 'not-connected' } } });

    const log = (await (await withToken('GET', `/ops/monitoring?callId=${first!.callId}`)).json()) as { sessions: { supervisor: string; modes: { mode: string; from: string; to: string | null }[]; endReason: string }[] };
    expect(log.sessions).toHaveLength(1);
    expect(log.sessions[0]).toMatchObject({ supervisor: 'supervisor', endReason: 'stopped' });
    expect(log.sessions[0]!.modes.map((m) => m.mode)).toEqual(['listen', 'whisper']);
    expect(log.sessions[0]!.modes.every((m) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(m.from) && m.to !== null && m.from <= m.to)).toBe(true);
    const all = (await (await withToken('GET', '/ops/monitoring?limit=10')).json()) as { sessions: { supervisor: string; endReason: string }[] };
    expect(schemaErrors(monitoringSchemas.list.response[200], all)).toEqual([]);
    expect(all.sessions.map((s) => [s.supervisor, s.endReason])).toEqual([
      ['admin', 'call-ended'],
      ['supervisor', 'stopped'],
    ]);
  });
});
