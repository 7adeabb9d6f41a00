/**
 * Campaign forecast cost: a 10,000-contact campaign (50 agents, predictive) runs on the
 * simulated floor to 25 % of its contacts done, then the forecast runs the engine in virtual
 * time on the rest. Prints the forecast's wall and CPU time, the calls it simulated, the
 * longest the event loop waited meanwhile, and how far the forecast was from the actual run.
 *
 *   npx tsx bench/forecast.ts [--contacts=10000] [--agents=50] [--seed=1]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCampaignForecaster, type Forecast } from '../src/application/campaign-forecast.ts';
import { defaultFloorCampaign, FLOOR_SETTINGS, runFloorCampaign } from '../test/support/forecast-floor.ts';

const flag = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const contacts = flag('contacts', 10_000);
const agents = flag('agents', 50);
const seed = flag('seed', 1);

let forecast: Forecast | undefined;
let madeAt = 0;
let cpuMs = 0;
let maxLoopDelayMs = 0;
const actual = await runFloorCampaign(
  { ...defaultFloorCampaign, contacts, agents, seed },
  {
    progress: 0.25,
    look: async (view) => {
      madeAt = view.clock.now();
      const forecaster = createCampaignForecaster({
        store: view.store,
        clock: view.clock,
        profileOf: () => view.profile,
        agents: () => view.engine.agents(),
        pacingCalibration: (group) => view.pacing.snapshot().find((g) => g.group === group)?.calibration ?? null,
        settings: FLOOR_SETTINGS,
        seed: seed + 1000,
      });
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const cpu = process.cpuUsage();
      const answer = await forecaster.forecast(7);
      const used = process.cpuUsage(cpu);
      loop.disable();
      cpuMs = (used.user + used.system) / 1000;
      maxLoopDelayMs = loop.max / 1e6;
      if (!answer.ok) throw new Error(answer.message);
      forecast = answer.forecast;
    },
  },
);
const f = forecast!;
const minutes = (ms: number) => (ms / 60_000).toFixed(1);
const error = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)} %`;
console.log(`forecast of a ${contacts}-contact campaign, ${agents} agents, at 25 % (${f.contactsRemaining} contacts left):`);
console.log(`  wall ${f.computeMs} ms, CPU ${cpuMs.toFixed(0)} ms, ${f.simulatedCalls} calls simulated, longest event-loop delay ${maxLoopDelayMs.toFixed(1)} ms`);
console.log(`  time left: forecast ${minutes(f.finishAt! - madeAt)} min, actual ${minutes(actual.finishedAt! - madeAt)} min (${error(actual.finishedAt! - madeAt, f.finishAt! - madeAt)})`);
console.log(`  contacts reached: forecast ${f.contactsReached}, actual ${actual.reached} (${error(actual.reached, f.contactsReached)}); abandon rate: forecast ${(f.abandonRate * 100).toFixed(2)} %, actual ${(actual.abandonRate * 100).toFixed(2)} % (whole run)`);
