/**
 * The forecaster's bounds: an answer is reused for the same campaign and head count while it
 * is fresh, forecasts run one at a time, an unknown campaign or too many contacts left is
 * refused before any simulation, and a forecast only reads the store.
 */
import { describe, expect, it } from 'vitest';
import { createCampaignForecaster, type ForecastDeps } from '../../../src/application/campaign-forecast.ts';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { BUILTIN_DEFAULT_PROFILE } from '../../../src/config/profiles.ts';
import { createMemoryStore } from '../../../src/store/memory-store.ts';

const T0 = Date.UTC(2026, 0, 5, 2, 0, 0);
const settings = { timeZone: 'Asia/Ho_Chi_Minh', maxConcurrentCalls: 100, maxCallsPerSecond: 100, abandonHoldSeconds: 2, maxWrapUpSeconds: 120 };

async function setup(contacts = 30) {
  const store = createMemoryStore();
  await store.createCampaign(
    { id: 5, typeId: null, startsAt: T0, endsAt: T0 + 8 * 3_600_000, receivedAt: T0, contentHash: 'x', extra: null },
    Array.from({ length: contacts }, (_, i) => ({ contactId: i + 1, phoneNumber: `09000000${String(i).padStart(2, '0')}`, dialNumber: `09000000${String(i).padStart(2, '0')}`, linkEdit: null, extra: null })),
  );
  const clock = new VirtualClock(T0);
  let reads = 0;
  const counted: ForecastDeps['store'] = {
    getCampaign: (id) => store.getCampaign(id),
    countCampaign: (id) => store.countCampaign(id),
    listContactsAfter: (id, after, limit) => store.listContactsAfter(id, after, limit),
    listAttempts: (filter) => (reads++, store.listAttempts(filter)),
  };
  const deps: ForecastDeps = { store: counted, clock, profileOf: () => BUILTIN_DEFAULT_PROFILE, agents: () => [], settings, cacheSeconds: 30 };
  return { store, clock, deps, reads: () => reads };
}

describe('campaign forecaster', () => {
  it('reuses an answer for the same campaign and head count for its cache time, then makes a new one', async () => {
    const { clock, deps, reads } = await setup();
    const forecaster = createCampaignForecaster(deps);
    const [a, b] = await Promise.all([forecaster.forecast(5, { agents: 3 }), forecaster.forecast(5, { agents: 3 })]);
    expect(a).toBe(b);
    expect(reads()).toBe(1);
    await forecaster.forecast(5, { agents: 4 });
    expect(reads()).toBe(2);
    await clock.advanceBy(30_000);
    await forecaster.forecast(5, { agents: 3 });
    expect(reads()).toBe(3);
  });

  it('runs one forecast at a time', async () => {
    const { deps } = await setup();
    let running = 0;
    let most = 0;
    const store = deps.store;
    const forecaster = createCampaignForecaster({
      ...deps,
      store: {
        ...store,
        getCampaign: async (id) => {
          running++;
          most = Math.max(most, running);
          return store.getCampaign(id);
        },
      },
    });
    const done = await Promise.all([1, 2, 3].map((n) => forecaster.forecast(5, { agents: n }).finally(() => running--)));
    expect(done.every((d) => d.ok)).toBe(true);
    expect(most).toBe(1);
  });

  it('refuses an unknown campaign and one with more contacts left than it simulates, and changes nothing in the store', async () => {
    const { store, deps } = await setup(30);
    const before = await store.countCampaign(5);
    const forecaster = createCampaignForecaster({ ...deps, maxContacts: 10 });
    expect(await forecaster.forecast(99)).toMatchObject({ ok: false, code: 'not-found' });
    expect(await forecaster.forecast(5, { agents: 2 })).toMatchObject({ ok: false, code: 'too-large' });
    const ok = await createCampaignForecaster(deps).forecast(5, { agents: 2 });
    expect(ok.ok && ok.forecast.contactsReached).toBeGreaterThan(0);
    expect(await store.countCampaign(5)).toEqual(before);
    expect(await store.listAttempts({ campaignId: 5, limit: 10 })).toEqual([]);
  });

  it('with no agent on shift forecasts every contact left at the endtime, without simulating', async () => {
    const { deps } = await setup(30);
    const answer = await createCampaignForecaster(deps).forecast(5);
    expect(answer).toMatchObject({ ok: true, forecast: { agents: 0, agentsFrom: 'floor', finishAt: null, leftAtEnd: 1, simulatedCalls: 0 } });
  });
});
