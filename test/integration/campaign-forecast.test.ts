/**
 * The campaign forecast, checked against the campaign it forecasts: a campaign runs on the
 * simulated floor, a forecast is made at 25 % of its contacts done, the campaign runs to its
 * end, and the forecast's finish time and contacts reached must be within ±10 % of what
 * happened. The floor and the forecast draw from different seeds, over several seeds.
 */
import { describe, expect, it } from 'vitest';
import { createCampaignForecaster, type Forecast } from '../../src/application/campaign-forecast.ts';
import { measureCalls } from '../../src/application/forecast-measures.ts';
import { defaultFloorCampaign, FLOOR_SETTINGS, runFloorCampaign, type FloorView } from '../support/forecast-floor.ts';

async function forecastAt(view: FloorView, agents?: number): Promise<Forecast> {
  const forecaster = createCampaignForecaster({
    store: view.store,
    clock: view.clock,
    profileOf: () => view.profile,
    agents: () => view.engine.agents(),
    pacingCalibration: (group) => view.pacing.snapshot().find((g) => g.group === group)?.calibration ?? null,
    settings: FLOOR_SETTINGS,
    seed: 1_000 + (view.clock.now() % 997),
  });
  const answer = await forecaster.forecast(7, agents === undefined ? {} : { agents });
  if (!answer.ok) throw new Error(answer.message);
  return answer.forecast;
}

describe('campaign forecast on the simulated floor', () => {
  for (const seed of [1, 2, 3]) {
    it(`made at 25 % progress, its finish time and contacts reached are within ±10 % of the run's (floor seed ${seed})`, async () => {
      let forecast: Forecast | undefined;
      let madeAt = 0;
      const actual = await runFloorCampaign(
        { ...defaultFloorCampaign, seed },
        {
          progress: 0.25,
          look: async (view) => {
            madeAt = view.clock.now();
            forecast = await forecastAt(view);
          },
        },
      );
      expect(actual.finishStatus).toBe('completed');
      expect(forecast).toBeDefined();
      const f = forecast!;
      expect(f.agents).toBe(defaultFloorCampaign.agents);
      expect(f.measures.lowConfidence).toBe(false);
      expect(f.complete).toBe(true);
      expect(f.finishAt).not.toBeNull();
      // The finish time's error is measured on the time still to run from the forecast.
      const actualRest = actual.finishedAt! - madeAt;
      const forecastRest = f.finishAt! - madeAt;
      console.log(
        `seed ${seed}: rest actual ${(actualRest / 60_000).toFixed(1)} min, forecast ${(forecastRest / 60_000).toFixed(1)} min; reached actual ${actual.reached}, forecast ${f.contactsReached}; abandon forecast ${(f.abandonRate * 100).toFixed(2)} %, actual ${(actual.abandonRate * 100).toFixed(2)} %; ${f.simulatedCalls} calls in ${f.computeMs} ms`,
      );
      expect(Math.abs(forecastRest - actualRest) / actualRest).toBeLessThanOrEqual(0.1);
      expect(Math.abs(f.contactsReached - actual.reached) / actual.reached).toBeLessThanOrEqual(0.1);
    }, 120_000);
  }

  it('a what-if with more agents finishes earlier, and with fewer later', async () => {
    const forecasts: Forecast[] = [];
    await runFloorCampaign(
      { ...defaultFloorCampaign, contacts: 1_000 },
      {
        progress: 0.25,
        look: async (view) => {
          forecasts.push(await forecastAt(view, 5), await forecastAt(view), await forecastAt(view, 20));
        },
      },
    );
    const [fewer, floor, more] = forecasts as [Forecast, Forecast, Forecast];
    expect(floor.agentsFrom).toBe('floor');
    expect(more.agentsFrom).toBe('what-if');
    expect(more.agents).toBe(20);
    expect(more.finishAt!).toBeLessThan(floor.finishAt!);
    expect(fewer.finishAt!).toBeGreaterThan(floor.finishAt!);
  }, 120_000);

  it('a campaign that cannot finish before its endtime is forecast with the share left at the end', async () => {
    let forecast: Forecast | undefined;
    await runFloorCampaign(
      { ...defaultFloorCampaign, contacts: 1_000, hours: 2 },
      {
        progress: 0.25,
        look: async (view) => {
          forecast = await forecastAt(view, 1);
        },
      },
    );
    expect(forecast!.finishAt).toBeNull();
    expect(forecast!.leftAtEnd).toBeGreaterThan(0.3);
  }, 120_000);
});

describe('measures of the calls so far', () => {
  it('with too few calls the defaults stand in and the result is marked low confidence', () => {
    const m = measureCalls([]);
    expect(m.lowConfidence).toBe(true);
    expect(m.answerRate).toBeGreaterThan(0);
  });
});
