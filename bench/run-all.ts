/**
 * `npm run bench`: every benchmark of the service, each printed as a ratio against a baseline
 * measured in the same run (the machines are shared and noisy; figures are never asserted).
 * The pacing study has its own runner: `npm run bench:pacing`.
 */
import { runCallbackDeliveryBench } from './callback-delivery.ts';
import { runDialerBench } from './dialer.ts';
import { runDncBench } from './dnc.ts';
import { runReportsBench } from './reports.ts';
import { runSendCampaignBench } from './send-campaign.ts';
import { runStartupBench } from './startup.ts';

const lines: string[] = [];
const section = async (name: string, run: () => Promise<string>) => {
  process.stdout.write(`\n== ${name}\n`);
  const line = await run();
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

await section('sendCampaign, 100,000 contacts', async () => (await runSendCampaignBench()).line);
await section('sendCampaign on PostgreSQL, 100,000 contacts', async () => (await runSendCampaignBench({ dialect: 'postgres' })).line);
await section('callback delivery, 50,000 after an outage', async () => {
  const r = await runCallbackDeliveryBench({ log: () => {} });
  return `callback delivery: ${r.count} in ${(r.drainMs / 1000).toFixed(2)} s = ${Math.round(r.perSecond)}/s (baseline ${Math.round(r.baselinePerSecond)}/s, ratio ${r.ratio.toFixed(2)}; goal ≥ 3000/s)`;
});
await section('dialer in virtual time, 10,000 contacts, 100 agents', async () => (await runDialerBench()).line);
await section('do-not-call list, 1,000,000 numbers', async () => (await runDncBench(1_000_000, () => {})).line);
await section('historical reports, 1,000,000 attempts (SQLite)', async () => (await runReportsBench({ dialect: 'sqlite', log: () => {} })).line);
await section('historical reports, 1,000,000 attempts (PostgreSQL)', async () => (await runReportsBench({ dialect: 'postgres', log: () => {} })).line);
await section('start-up: npx ccs status, npm start to /healthz', async () => (await runStartupBench(7)).line);

process.stdout.write(`\n== summary (${new Date().toISOString()}, ${(await import('node:os')).cpus().length} cores)\n${lines.join('\n')}\n`);
