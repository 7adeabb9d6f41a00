import { describe, expect, it } from 'vitest';
import { complianceDialPolicy, type ComplianceAudit } from '../../../src/compliance/compliance-policy.ts';
import { ruleSetRegistry, type RuleSet } from '../../../src/compliance/rule-sets.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../../src/config/profiles.ts';
import type { CampaignRecord, ContactRecord } from '../../../src/domain/campaign.ts';
import { subscriberKey, subscriberKeyOf } from '../../../src/domain/phone-number.ts';
import type { Profile } from '../../../src/domain/profile.ts';
import type { AttemptHistory } from '../../../src/ports/attempt-history.ts';
import type { DncStore } from '../../../src/ports/dnc-store.ts';
import { recordingLogger, type LogLine } from '../../support/compliance-harness.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const H = 3_600_000;
const D = 24 * H;
/** Ho Chi Minh City wall-clock time (UTC+7). */
const local = (d: number, h: number, m = 0) => Date.UTC(2026, 0, d, h - 7, m);

function fakeDnc(numbers: Record<string, string>): DncStore {
  const byKey = new Map(Object.entries(numbers).map(([n, source]) => [subscriberKey(n), { key: subscriberKey(n), number: n, source, addedAt: 0 }]));
  return {
    add: async () => true,
    remove: async () => true,
    get: async (n) => byKey.get(subscriberKeyOf(n) ?? ''),
    importMany: async () => ({ received: 0, stored: 0, invalid: 0, duplicates: 0 }),
    async *exportAll() {},
    listed: async (ns) => new Set(ns.filter((n) => byKey.has(subscriberKeyOf(n) ?? ''))),
    count: async () => byKey.size,
  };
}

function fakeHistory(attempts: { number: string; at: number }[]): AttemptHistory & { asked: number } {
  const h = {
    asked: 0,
    async attemptTimes(subscriber: string, since: number) {
      h.asked++;
      return attempts.filter((a) => subscriberKey(a.number) === subscriber && a.at > since).map((a) => a.at).sort((x, y) => x - y);
    },
  };
  return h;
}

const ads: Profile = { ...BUILTIN_DEFAULT_PROFILE, name: 'ads', typeIds: [1], purpose: 'advertising', ruleSet: 'vn-decree-91', callerId: 'BRAND' };
const care: Profile = { ...BUILTIN_DEFAULT_PROFILE, name: 'care', typeIds: [2], purpose: 'care', ruleSet: 'none' };

const campaign = (over: Partial<CampaignRecord> = {}): CampaignRecord => ({
  id: 1,
  typeId: 1,
  startsAt: local(5, 0),
  endsAt: local(9, 0),
  state: 'running',
  finishStatus: null,
  receivedAt: local(4, 0),
  startedAt: local(5, 0),
  stoppedAt: null,
  finishedAt: null,
  contactTotal: 1,
  contentHash: 'h',
  extra: null,
  ...over,
});

const contact = (phone: string, contactId = 1): ContactRecord => ({
  campaignId: 1,
  contactId,
  seq: contactId,
  phoneNumber: phone,
  dialNumber: phone.replace(/[\s.-]/g, ''),
  linkEdit: null,
  state: 'pending',
  outcome: null,
  attempts: 0,
  nextAttemptAt: 0,
  lastStatus: null,
  waitReason: null,
  extra: null,
});

function policyWith(options: { dnc?: Record<string, string>; attempts?: { number: string; at: number }[]; timeZone?: string; ruleSets?: RuleSet[] } = {}) {
  const logs: LogLine[] = [];
  const history = fakeHistory(options.attempts ?? []);
  const policy = complianceDialPolicy({
    dnc: fakeDnc(options.dnc ?? {}),
    history,
    timeZone: options.timeZone ?? TZ,
    logger: recordingLogger(logs),
    ruleSets: ruleSetRegistry(options.ruleSets ?? []),
  });
  return { policy, logs, history };
}

describe('campaign gate', () => {
  it('holds back a campaign whose profile requires a brand-name caller id and has none, without a wake-up, logging it once', () => {
    const { policy, logs } = policyWith();
    const noBrand = { ...ads, callerId: null };
    for (let i = 0; i < 3; i++) {
      const gate = policy.campaignGate(campaign(), noBrand, local(5, 10));
      expect(gate).toEqual({ closedUntil: null, reason: expect.stringMatching(/^brand-caller-id-missing \(profile ads: rule set vn-decree-91 requires/) });
    }
    expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(logs[0]!.fields).toMatchObject({ campaignId: 1, reason: expect.stringContaining('brand-caller-id-missing') });
  });

  it('applies a profile’s own brand-name requirement under any rule set', () => {
    const { policy } = policyWith();
    expect(policy.campaignGate(campaign(), { ...care, requireBrandCallerId: true }, local(5, 10))?.reason).toMatch(/^brand-caller-id-missing \(profile care: the profile requires/);
    expect(policy.campaignGate(campaign(), { ...care, requireBrandCallerId: true, callerId: 'BRAND' }, local(5, 10))).toBeNull();
  });

  it('holds back a campaign whose profile names an unknown rule set', () => {
    const { policy } = policyWith();
    expect(policy.campaignGate(campaign(), { ...ads, ruleSet: 'vn-decree-19' }, local(5, 10))).toEqual({ closedUntil: null, reason: expect.stringMatching(/^unknown-rule-set/) });
  });

  it('opens advertising calls at 08:00 and closes them at 17:00 Vietnam time', () => {
    const { policy } = policyWith();
    expect(policy.campaignGate(campaign(), ads, local(5, 7, 59))).toEqual({ closedUntil: local(5, 8), reason: expect.stringMatching(/^outside-legal-hours \(vn-decree-91: 08:00–17:00 Asia\/Ho_Chi_Minh\)/) });
    expect(policy.campaignGate(campaign(), ads, local(5, 8))).toBeNull();
    expect(policy.campaignGate(campaign(), ads, local(5, 16, 59))).toBeNull();
    expect(policy.campaignGate(campaign(), ads, local(5, 17))?.closedUntil).toBe(local(6, 8));
  });

  it('reads the legal hours in Vietnam time even when the service runs in another zone', () => {
    const { policy } = policyWith({ timeZone: 'UTC' });
    expect(policy.campaignGate(campaign(), ads, local(5, 8))).toBeNull();
    expect(policy.campaignGate(campaign(), ads, local(5, 17))?.closedUntil).toBe(local(6, 8));
  });

  it('lets the most restrictive window win: profile hours across midnight combined with 08:00–17:00', () => {
    const { policy } = policyWith();
    const evening = { ...ads, callingHours: [{ from: '16:30', to: '02:00' }] };
    expect(policy.campaignGate(campaign(), evening, local(5, 10))).toEqual({ closedUntil: local(5, 16, 30), reason: expect.stringMatching(/^outside-profile-hours \(16:30–02:00/) });
    expect(policy.campaignGate(campaign(), evening, local(5, 16, 45))).toBeNull();
    expect(policy.campaignGate(campaign(), evening, local(5, 23))).toEqual({ closedUntil: local(6, 16, 30), reason: expect.stringMatching(/^outside-legal-hours/) });
  });

  it('asks for no wake-up when the windows next open after the campaign ends', () => {
    const { policy } = policyWith();
    expect(policy.campaignGate(campaign({ endsAt: local(5, 18) }), ads, local(5, 17))).toEqual({ closedUntil: null, reason: expect.any(String) });
  });
});

describe('contact check', () => {
  it('never dials a number on the do-not-call list, whatever its spelling', async () => {
    const { policy } = policyWith({ dnc: { '+84912000001': 'national-register' } });
    for (const phone of ['0912000001', '84912000001', '0912 000 001']) {
      expect(await policy.checkContact(contact(phone), campaign(), ads, local(5, 9))).toEqual({ kind: 'dnc', reason: 'dnc (source: national-register)' });
    }
  });

  it('postpones a second advertising call within 24 hours until the first is 24 hours old', async () => {
    const first = local(5, 9, 15);
    const { policy } = policyWith({ attempts: [{ number: '+84912000001', at: first }] });
    const decision = await policy.checkContact(contact('0912000001'), campaign(), ads, local(5, 10));
    expect(decision).toEqual({ kind: 'postpone', until: first + D, reason: 'frequency-cap-24h (vn-decree-91: at most 1 call per 24h to one number, all campaigns)' });
  });

  it('postpones a capped contact to the next opening of the windows when the cap lifts outside them', async () => {
    const { policy } = policyWith({ attempts: [{ number: '0912000001', at: local(4, 16, 50) }] });
    const morning = { ...ads, callingHours: [{ from: '08:00', to: '12:00' }] };
    const decision = await policy.checkContact(contact('0912000001'), campaign(), morning, local(5, 9));
    expect(decision).toMatchObject({ kind: 'postpone', until: local(6, 8) });
  });

  it('checks the do-not-call list before the caps', async () => {
    const { policy, history } = policyWith({ dnc: { '0912000001': 'x' }, attempts: [{ number: '0912000001', at: local(5, 8) }] });
    expect((await policy.checkContact(contact('0912000001'), campaign(), ads, local(5, 9))).kind).toBe('dnc');
    expect(history.asked).toBe(0);
  });

  it('records why each dial was allowed', async () => {
    const { policy } = policyWith({ attempts: [{ number: '0912000001', at: local(3, 9) }] });
    const now = local(5, 9);
    const decision = await policy.checkContact(contact('0912000001'), campaign(), ads, now);
    expect(decision.kind).toBe('dial');
    const audit = (decision as unknown as { audit: ComplianceAudit }).audit;
    expect(audit).toEqual({
      ruleSet: 'vn-decree-91',
      purpose: 'advertising',
      checks: ['brand-caller-id', 'hours', 'dnc', 'frequency-cap-24h'],
      dncCheckedAt: now,
      callerId: 'BRAND',
      recentAttempts: { '24h': 0 },
      allowedBecause:
        'brand-name caller id BRAND configured; inside vn-decree-91 hours 08:00–17:00 Asia/Ho_Chi_Minh; not on the do-not-call list; 0 earlier call(s) in the last 24h, 1 allowed',
    });
  });

  it('applies a 30-day cap of a custom rule set across all attempts to the number', async () => {
    const monthly: RuleSet = { name: 'monthly', summary: 'test', hours: null, timeZone: null, caps: [{ label: '30d', windowMs: 30 * D, max: 2 }], checkDnc: false, requireBrandCallerId: false, sources: [] };
    const { policy } = policyWith({ ruleSets: [monthly], attempts: [{ number: '0912000001', at: local(1, 9) }, { number: '+84912000001', at: local(3, 9) }] });
    const decision = await policy.checkContact(contact('0912000001'), campaign(), { ...care, ruleSet: 'monthly' }, local(5, 9));
    expect(decision).toMatchObject({ kind: 'postpone', until: local(1, 9) + 30 * D, reason: expect.stringMatching(/^frequency-cap-30d/) });
  });

  it('under rule set none, neither consults the list nor caps, and says so in the audit', async () => {
    const { policy, history } = policyWith({ dnc: { '0912000001': 'x' }, attempts: [{ number: '0912000001', at: local(5, 8) }] });
    const decision = await policy.checkContact(contact('0912000001'), campaign({ typeId: 2 }), care, local(5, 9));
    expect(decision).toEqual({
      kind: 'dial',
      audit: { ruleSet: 'none', purpose: 'care', checks: [], dncCheckedAt: null, callerId: null, recentAttempts: {}, allowedBecause: 'no compliance rules apply (rule set none)' },
    });
    expect(history.asked).toBe(0);
  });
});

describe('screening at receipt', () => {
  it('names the contacts on the list under a rule set that consults it, and none under rule set none', async () => {
    const { policy } = policyWith({ dnc: { '+84912000002': 'x' } });
    const contacts = [contact('0912000001', 1), contact('84912000002', 2)];
    expect(await policy.screenAtReceipt(campaign(), ads, contacts, 0)).toEqual(new Map([[2, 'dnc']]));
    expect(await policy.screenAtReceipt(campaign(), care, contacts, 0)).toEqual(new Map());
  });
});
