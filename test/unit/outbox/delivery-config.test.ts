import { describe, expect, it } from 'vitest';
import { crmCallbackUrls, DEFAULT_DELIVERY_CONFIG, resolveDeliveryConfig } from '../../../src/outbox/delivery-config.ts';

describe('delivery configuration', () => {
  it('defaults to 7 days of retries, 1 s to 5 min back-off, 64 requests in flight and batches of 500', () => {
    const c = resolveDeliveryConfig();
    expect(c).toEqual(DEFAULT_DELIVERY_CONFIG);
    expect(c).toMatchObject({ maxAgeMs: 7 * 24 * 3600_000, concurrency: 64, batchSize: 500, updateUrl: null, finishUrl: null, hmacSecret: null });
    expect(c.backoff).toMatchObject({ baseMs: 1_000, maxMs: 300_000 });
    expect(Object.isFrozen(c) && Object.isFrozen(c.backoff)).toBe(true);
  });

  it('derives both callback URLs from the CRM base URL', () => {
    expect(crmCallbackUrls('http://crm.local:8000/')).toEqual({
      updateUrl: 'http://crm.local:8000/api/updateCampaign',
      finishUrl: 'http://crm.local:8000/api/finishCampaign',
    });
    expect(crmCallbackUrls('https://crm.example/app')).toEqual({
      updateUrl: 'https://crm.example/app/api/updateCampaign',
      finishUrl: 'https://crm.example/app/api/finishCampaign',
    });
    expect(crmCallbackUrls(null)).toEqual({ updateUrl: null, finishUrl: null });
    expect(crmCallbackUrls('  ')).toEqual({ updateUrl: null, finishUrl: null });
  });

  it('names the setting that is wrong', () => {
    expect(() => resolveDeliveryConfig({ updateUrl: 'not a url' })).toThrow(/^updateUrl:/);
    expect(() => resolveDeliveryConfig({ finishUrl: 'ftp://crm/x' })).toThrow(/^finishUrl:/);
    expect(() => resolveDeliveryConfig({ concurrency: 0 })).toThrow(/^concurrency:/);
    expect(() => resolveDeliveryConfig({ backoff: { jitter: 1.5 } })).toThrow(/^backoff\.jitter:/);
    expect(() => resolveDeliveryConfig({ backoff: { baseMs: 10_000, maxMs: 1_000 } })).toThrow(/^backoff\.maxMs:/);
    expect(() => resolveDeliveryConfig({ requestTimeoutMs: 10_000, leaseMs: 15_000 })).toThrow(/^leaseMs:/);
  });

  it('treats an empty secret as no secret', () => {
    expect(resolveDeliveryConfig({ hmacSecret: '' }).hmacSecret).toBeNull();
  });
});
