/**
 * Supervisors set a profile's disposition codes over HTTP (/ops/profiles/{name}/dispositions),
 * against the real service on SQLite and PostgreSQL: bad input answers 400 and changes nothing;
 * a session needs its CSRF token and a supervisor's role; a change is audited (who, when,
 * before → after), used by the next wrap-up at once, and kept across a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

interface Client {
  get(path: string): Promise<Response>;
  send(method: string, path: string, body?: unknown, options?: { csrf?: boolean }): Promise<Response>;
}

async function signIn(url: string, username: string): Promise<Client> {
  const response = await fetch(`${url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ username, password: username }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return {
    get: (path) => fetch(`${url}${path}`, { headers: { cookie } }),
    send: (method, path, body, options = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: { cookie, origin: url, ...(options.csrf === false ? {} : { 'x-csrf-token': csrfToken }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
}

const code = (c: string, effect = 'final', extra: Record<string, unknown> = {}) => ({ code: c, label: { vi: `Mã ${c}`, en: `Code ${c}` }, effect, ...extra });
const GOOD = { required: true, codes: [code('sale', 'final', { success: true }), code('promise-to-pay', 'final', { success: true }), code('call-back', 'callback')] };

describe.each(DIALECTS)('disposition codes per profile, on %s', (dialect) => {
  let crm: FakeCrm | undefined;
  let ccs: UiService | undefined;
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await ccs?.close();
    await crm?.close();
    await db?.drop();
    ccs = crm = db = undefined;
  });

  it('refuses bad codes without change, stores good ones with an audit, the next wrap-up offers them, and they survive a restart', async () => {
    crm = await startFakeCrm();
    db = await createTestDatabase(dialect);
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_DATABASE_URL: db.url } });
    const supervisor = await signIn(ccs.url, 'supervisor');
    const path = '/ops/profiles/default/dispositions';

    const listed = (await (await supervisor.get('/ops/profiles/dispositions')).json()) as { profiles: { profile: string; source: string }[] };
    expect(listed.profiles).toContainEqual(expect.objectContaining({ profile: 'default', source: 'config' }));
    const before = await (await supervisor.get(path)).json();

    const bad: [string, unknown][] = [
      ['no codes', { required: false, codes: [] }],
      ['ten codes', { required: false, codes: Array.from({ length: 10 }, (_, i) => code(`c${i}`)) }],
      ['a duplicate code', { required: false, codes: [code('sale'), code('sale')] }],
      ['an empty Vietnamese label', { required: false, codes: [{ ...code('sale'), label: { vi: '  ', en: 'Sale' } }] }],
      ['a missing English label', { required: false, codes: [{ code: 'sale', label: { vi: 'Bán' }, effect: 'final' }] }],
      ['an unknown effect', { required: false, codes: [code('sale', 'explode')] }],
      ['no required flag', { codes: [code('sale')] }],
      ['not an object', [code('sale')]],
    ];
    for (const [what, body] of bad) {
      const answer = await supervisor.send('PUT', path, body);
      expect(answer.status, what).toBe(400);
      expect(await answer.json(), what).toEqual({ error: { code: 'bad-request', message: expect.any(String) } });
    }
    // As for close: a session request without its CSRF token is not a session to the operator API.
    expect((await supervisor.send('PUT', path, GOOD, { csrf: false })).status).toBe(401);
    const agent = await signIn(ccs.url, 'agent1');
    expect((await agent.send('PUT', path, GOOD)).status).toBe(403);
    expect((await supervisor.send('PUT', '/ops/profiles/nope/dispositions', GOOD)).status).toBe(404);
    expect(await (await supervisor.get(path)).json()).toEqual(before);
    expect(await (await supervisor.get(`${path}/audit`)).json()).toEqual({ audit: [] });

    const saved = await supervisor.send('PUT', path, GOOD);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ profile: 'default', source: 'stored', updatedBy: 'supervisor', settings: { required: true, codes: GOOD.codes.map((c) => ({ ...c, success: (c as { success?: boolean }).success === true })) } });
    const audit = (await (await supervisor.get(`${path}/audit`)).json()) as { audit: unknown[] };
    expect(audit.audit).toEqual([{ id: expect.any(Number), at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/), actor: 'supervisor', before: null, after: expect.objectContaining({ required: true }) }]);

    // The next wrap-up offers the new codes, requires one, and stores the one picked.
    expect((await agent.send('POST', '/ui/agent/sign-in', {})).status).toBe(200);
    await ccs.sendCampaign(4701, [{ id: 1, phonenumber: '0987000701' }]);
    const talking = await eventually('a call for Agent/1001', () => ccs!.service.engine.agents().find((a) => a.agentCode === 'Agent/1001' && a.activity === 'talking'));
    const callId = talking.callId!;
    expect((await agent.send('POST', '/ui/agent/hangup', {})).status).toBe(200);
    await eventually('the attempt ended', async () => (await ccs!.service.store.getAttempt(callId))?.state === 'ended');
    const codes = await (await agent.get(`/ui/agent/dispositions?callId=${callId}`)).json();
    expect(codes).toMatchObject({ required: true, codes: [expect.objectContaining({ code: 'sale' }), expect.objectContaining({ code: 'promise-to-pay' }), expect.objectContaining({ code: 'call-back' })] });
    expect((await agent.send('POST', '/ui/agent/ready', {})).status).toBe(409);
    expect((await agent.send('POST', '/ui/agent/disposition', { callId, code: 'promise-to-pay' })).status).toBe(200);
    expect((await ccs.service.store.getAttempt(callId))?.disposition).toBe('promise-to-pay');
    expect((await agent.send('POST', '/ui/agent/ready', {})).status).toBe(200);
    expect((await agent.send('POST', '/ui/agent/sign-out', {})).status).toBe(200);

    // Kept across a restart; back to the config file's codes, audited again.
    await ccs.stop();
    await ccs.start();
    const again = await signIn(ccs.url, 'supervisor');
    expect(await (await again.get(path)).json()).toMatchObject({ source: 'stored', settings: { codes: [{ code: 'sale' }, { code: 'promise-to-pay' }, { code: 'call-back' }] } });
    expect(await (await again.send('DELETE', path)).json()).toEqual(before);
    const trail = (await (await again.get(`${path}/audit`)).json()) as { audit: { before: unknown; after: unknown }[] };
    expect(trail.audit).toHaveLength(2);
    expect(trail.audit[0]).toMatchObject({ before: expect.objectContaining({ required: true }), after: null });
  }, 90_000);
});
