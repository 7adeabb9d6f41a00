/** The sendCampaign validator's limits on its own: nesting, extra fields, ids and steps. */
import { describe, expect, it } from 'vitest';
import { campaignValidationSteps, CONTACTS_PER_STEP, parseIntegerId, validateCampaignRequest } from '../../src/domain/campaign-request.ts';
import { campaignBody, ZONE } from '../support/campaigns.ts';

function nestedArrays(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('sendCampaign validation', () => {
  it('refuses an extra field nested 100,000 levels deep without exhausting the stack', () => {
    const result = validateCampaignRequest({ ...campaignBody(1), deep: nestedArrays(100_000) }, ZONE);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual(['deep']);
  });

  it('keeps extra fields nested 32 levels and refuses 33', () => {
    expect(validateCampaignRequest({ ...campaignBody(1), note: nestedArrays(31) }, ZONE).ok).toBe(true);
    expect(validateCampaignRequest({ ...campaignBody(1), note: nestedArrays(32) }, ZONE).ok).toBe(false);
  });

  it('keeps a __proto__ extra field as an own field and leaves prototypes alone', () => {
    const body = JSON.parse(JSON.stringify(campaignBody(1)).replace(/^\{/, '{"__proto__":{"isAdmin":true},'));
    const result = validateCampaignRequest(body, ZONE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.keys(result.request.extra!)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(result.request.extra)).toBe(Object.prototype);
    expect(JSON.stringify(result.request.extra)).toBe('{"__proto__":{"isAdmin":true}}');
  });

  it('refuses an extra number beyond double range (Infinity once parsed)', () => {
    const result = validateCampaignRequest({ ...campaignBody(1), score: Number.POSITIVE_INFINITY }, ZONE);
    expect(result.ok).toBe(false);
  });

  it('reads numeric-string ids up to the largest safe integer', () => {
    expect(parseIntegerId('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseIntegerId('9007199254740992')).toBeNull();
    expect(parseIntegerId('12345678901234567')).toBeNull();
  });

  it('checks a large contact list in steps, with the same result as in one go', () => {
    const body = campaignBody(1, { contacts: 3 * CONTACTS_PER_STEP + 1 });
    const steps = campaignValidationSteps(body, ZONE);
    let pauses = 0;
    let step = steps.next();
    while (!step.done) {
      pauses++;
      step = steps.next();
    }
    expect(pauses).toBe(3);
    expect(step.value).toEqual(validateCampaignRequest(body, ZONE));
  });
});
