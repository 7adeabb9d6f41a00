/**
 * A profile that requires a brand-name caller id (its own setting or its rule set's) and has
 * none: its campaigns do not start dialling, and the reason shows in the logs, the operator
 * API and the readiness check.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { complianceReadiness } from '../../../src/compliance/compliance-status.ts';
import { registerComplianceRoutes } from '../../../src/http/compliance-routes.ts';
import { DIALECTS } from '../../support/databases.ts';
import { HOUR, local, startComplianceHarness, type ComplianceHarness } from '../../support/compliance-harness.ts';

const noBrand = { name: 'ads', typeIds: [1], purpose: 'advertising' as const, ruleSet: 'vn-decree-91', callerId: null };
const care = { name: 'care', typeIds: [2], purpose: 'care' as const, ruleSet: 'none' };

describe.each(DIALECTS)('brand-name caller id on %s', (dialect) => {
  let h: ComplianceHarness;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await h?.close();
  });

  it('keeps a campaign of a profile without its required brand-name caller id from dialling, and says why', async () => {
    h = await startComplianceHarness({ dialect, startAt: local(2026, 1, 5, 8, 30), profiles: [noBrand, care], agents: 2 });
    const status = { store: h.store, profiles: h.profiles, ruleSets: h.policy.ruleSets };
    const readiness = complianceReadiness(status);
    expect(await readiness()).toEqual({ ok: true, reason: expect.stringContaining('profile ads: rule set vn-decree-91 requires a registered brand-name caller id') });

    await h.send({ id: 41, typeId: 1, startsAt: local(2026, 1, 5, 9), endsAt: local(2026, 1, 5, 16), contacts: [{ id: 1, phone: '0912000001' }] });
    await h.send({ id: 42, typeId: 2, startsAt: local(2026, 1, 5, 9), endsAt: local(2026, 1, 5, 16), contacts: [{ id: 1, phone: '0912000002' }] });
    await h.clock.advanceTo(local(2026, 1, 5, 9) + 2 * HOUR);

    expect(h.placedFor(41)).toEqual([]);
    expect(h.placedFor(42)).toHaveLength(1);
    expect(await h.store.getCampaign(41)).toMatchObject({ state: 'running' });
    expect(await h.store.getContact(41, 1)).toMatchObject({ state: 'pending', attempts: 0 });

    const errors = h.logs.filter((l) => l.level === 'error' && l.fields.campaignId === 41);
    expect(errors).toEqual([
      { level: 'error', msg: 'campaign cannot dial: compliance configuration', fields: expect.objectContaining({ reason: expect.stringMatching(/^brand-caller-id-missing \(profile ads/) }) },
    ]);

    const ready = await readiness();
    expect(ready.ok).toBe(false);
    expect(ready.reason).toMatch(/^1 campaign\(s\) cannot dial: campaign 41: brand-caller-id-missing \(profile ads/);

    app = Fastify();
    registerComplianceRoutes(app, { auth: { token: 'op-token' }, dnc: h.dnc, store: h.store, clock: h.clock, timeZone: 'Asia/Ho_Chi_Minh', status });
    const res = await app.inject({ method: 'GET', url: '/ops/compliance', headers: { authorization: 'Bearer op-token' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.blockedCampaigns).toEqual([{ campaignId: 41, state: 'running', profile: 'ads', reason: expect.stringMatching(/^brand-caller-id-missing/) }]);
    expect(body.profiles.find((p: { name: string }) => p.name === 'ads').problem).toMatch(/^brand-caller-id-missing/);
    // Campaign 42 (care, no requirement) called its one contact and finished.
    expect(body.campaigns).toEqual([
      { campaignid: 41, state: 'running', profile: 'ads', ruleSet: 'vn-decree-91', dialing: false, waitReason: expect.stringMatching(/^brand-caller-id-missing/), waitUntil: null },
    ]);
  });
});
