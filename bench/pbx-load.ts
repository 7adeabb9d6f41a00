/**
 * Load on one real Asterisk through CCS's ARI driver, with SIPp as the carrier and as the
 * agents' phones (sipp/carrier.xml, sipp/agent.xml). Not part of CI: it needs a live Asterisk
 * configured as docs/asterisk.md says, and says so when the environment is not set.
 *
 *  1. Concurrent bridged, recorded calls, in steps (e.g. 10, 20, 40, 60): each step places that
 *     many calls (`--place-rate` a second, 10 by default) to numbers ending in 0 (the carrier answers after 2 s and plays speech), bridges
 *     each with its own agent (record on), holds them `--hold` seconds, then hangs them up. Per
 *     step: calls bridged at once (counted in Asterisk), calls that failed, recordings saved and
 *     with audio (RMS > 300), and the CPU of this process (CCS's driver: ARI requests and events)
 *     and of Asterisk (/proc/<pid>/stat) over the hold, as % of one core and per call, and over
 *     the calls' whole life (placing to the recording downloaded) in CPU ms per call. The ramp
 *     stops at the first step where more than 2 % of the calls fail or have no audio.
 *  2. Sustained ARI call creation: legs to a busy number (ending in 1: the carrier answers 486 at
 *     once) placed at a fixed rate for `--rate-seconds`, rates doubling until a leg fails to be
 *     placed or does not end busy.
 *
 * Environment: CCS_BENCH_ARI_URL (required), CCS_BENCH_ARI_USER (ccs), CCS_BENCH_ARI_PASSWORD,
 * CCS_BENCH_AGENTS (endpoints of the agents' phones, e.g. `PJSIP/9210-9269`: a range of
 * numbers, or a comma list), CCS_BENCH_ASTERISK_PID (Asterisk's process id, for its CPU),
 * CCS_BENCH_DIAL (PJSIP/{number}@trunk).
 *
 *   nice npx tsx bench/pbx-load.ts [--steps 10,20,40,60] [--place-rate 10] [--hold 20] [--rates 5,10,20,40] [--rate-seconds 20]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/clock/system-clock.ts';
import { silentLogger } from '../src/ports/logger.ts';
import type { PlaceCallRequest, TelephonyDriver, TelephonyEvent } from '../src/ports/telephony.ts';
import { createFileRecordingStore } from '../src/recordings/file-recording-store.ts';
import { createAriDriver } from '../src/telephony/asterisk-ari/index.ts';
import { pause, wavRms } from '../test/live/live-support.ts';

const env = process.env;
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const numbers = (s: string) => s.split(',').map(Number).filter((n) => n > 0);

/** `PJSIP/9210-9269` or `PJSIP/9210,PJSIP/9211`. */
function agentEndpoints(setting: string): string[] {
  const range = /^(.*\/)(\d+)-(\d+)$/.exec(setting);
  if (range) return Array.from({ length: Number(range[3]) - Number(range[2]) + 1 }, (_, i) => `${range[1]}${Number(range[2]) + i}`);
  return setting.split(',').map((s) => s.trim()).filter(Boolean);
}

/** CPU seconds (user + system) of a process so far, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

async function until(what: string, ok: () => boolean, limitMs: number): Promise<boolean> {
  for (const stop = Date.now() + limitMs; !ok(); ) {
    if (Date.now() > stop) {
      console.log(`  (gave up waiting for ${what} after ${limitMs} ms)`);
      return false;
    }
    await pause(50);
  }
  return true;
}

async function main() {
  const url = env.CCS_BENCH_ARI_URL;
  if (!url) {
    console.log('bench/pbx-load.ts needs a live Asterisk: set CCS_BENCH_ARI_URL, CCS_BENCH_ARI_USER, CCS_BENCH_ARI_PASSWORD, CCS_BENCH_AGENTS (e.g. PJSIP/9210-9269) and CCS_BENCH_ASTERISK_PID (see docs/asterisk.md, "Testing with SIPp"). Nothing measured.');
    return;
  }
  const user = env.CCS_BENCH_ARI_USER ?? 'ccs';
  const password = env.CCS_BENCH_ARI_PASSWORD ?? '';
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const ari = async <T>(path: string): Promise<T> => (await (await fetch(`${url}/ari${path}`, { headers: { authorization: auth } })).json()) as T;
  const asteriskPid = Number(env.CCS_BENCH_ASTERISK_PID ?? 0);
  const endpoints = agentEndpoints(env.CCS_BENCH_AGENTS ?? 'PJSIP/9001');
  const steps = numbers(arg('steps', '10,20,40,60')).filter((n) => n <= endpoints.length);
  const holdMs = Number(arg('hold', '20')) * 1000;
  const rates = numbers(arg('rates', '5,10,20,40'));
  const rateMs = Number(arg('rate-seconds', '20')) * 1000;
  const placeRate = Number(arg('place-rate', '10'));
  const run = Date.now().toString(36);
  const dir = mkdtempSync(join(tmpdir(), 'ccs-pbx-load-'));
  const recordings = createFileRecordingStore(dir);
  const events: TelephonyEvent[] = [];
  const agents = endpoints.map((endpoint) => ({ agentCode: `Agent/${endpoint.split('/').pop()}`, stationId: endpoint.split('/').pop()!, endpoint }));
  const driver: TelephonyDriver = createAriDriver(
    { url, user, password, app: env.CCS_ARI_APP ?? 'ccs', dialTemplate: env.CCS_BENCH_DIAL ?? 'PJSIP/{number}@trunk', agentMode: 'on-answer', agents },
    { clock: systemClock, recordings, logger: silentLogger },
  );
  await driver.start((e) => events.push(e));
  if (!(await until('ARI', () => driver.health().ready, 15_000))) throw new Error(`ARI not ready at ${url}`);
  for (const agent of agents) await driver.signInAgent(agent).catch(() => undefined);
  const of = (callId: string, type: TelephonyEvent['type']) => events.find((e) => 'callId' in e && e.callId === callId && e.type === type);
  let sequence = 0;
  const request = (digit: number): PlaceCallRequest => ({
    callId: `bench-${run}-${++sequence}`,
    number: `09${String(10_000_000 + sequence)}${digit}`,
    callerId: null,
    ringTimeoutSeconds: 20,
    trunkChannelLimit: 0,
    tags: { campaignId: 0, contactId: sequence, attemptNo: 1 },
  });
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`PBX load on ${url}: ${endpoints.length} agent phones, Asterisk pid ${asteriskPid || '(not given: its CPU is not measured)'}, load average ${load()}`);

  // 1. Concurrent bridged, recorded calls.
  for (const n of steps) {
    const calls = Array.from({ length: n }, () => request(0));
    const whole0 = { ccs: process.cpuUsage(), asterisk: asteriskPid ? cpuSeconds(asteriskPid) : 0 };
    // Placed at `--place-rate` a second, as the dialer paces its legs, not in one burst.
    const placing: Promise<void>[] = [];
    const refusals: string[] = [];
    for (const [i, c] of calls.entries()) {
      placing.push(driver.placeCall(c).catch((e: Error) => void refusals.push(e.message)));
      if (i % placeRate === placeRate - 1) await pause(1000);
    }
    await Promise.all(placing);
    const notPlaced = refusals.length;
    if (refusals[0]) console.log(`  ${refusals.length} not placed; first: ${refusals[0]}`);
    await until('the answers', () => calls.every((c) => of(c.callId, 'answered') || of(c.callId, 'ended')), 30_000);
    await Promise.allSettled(calls.map((c, i) => (of(c.callId, 'answered') && !of(c.callId, 'ended') ? driver.connectAgent(c.callId, agents[i]!, { record: true }) : Promise.resolve())));
    await until('the bridges', () => calls.every((c) => of(c.callId, 'connected') || of(c.callId, 'ended')), 30_000);
    const connected = calls.filter((c) => of(c.callId, 'connected')).length;
    const cpu0 = process.cpuUsage();
    const ast0 = asteriskPid ? cpuSeconds(asteriskPid) : 0;
    const t0 = Date.now();
    let bridgedMin = Infinity;
    while (Date.now() - t0 < holdMs) {
      const bridges = await ari<{ bridge_type: string; channels: string[] }[]>('/bridges');
      bridgedMin = Math.min(bridgedMin, bridges.filter((b) => b.bridge_type === 'mixing' && b.channels.length >= 2).length);
      await pause(2000);
    }
    const seconds = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const ccsCore = (cpu.user + cpu.system) / 1e6 / seconds;
    const astCore = asteriskPid ? (cpuSeconds(asteriskPid) - ast0) / seconds : NaN;
    await Promise.allSettled(calls.map((c) => driver.hangup(c.callId)));
    await until('the ends', () => calls.every((c) => of(c.callId, 'ended') || !of(c.callId, 'answered')), 60_000);
    let saved = 0;
    let audible = 0;
    let lost = 0;
    for (const c of calls) {
      const ended = of(c.callId, 'ended');
      if (!ended || ended.type !== 'ended') continue;
      if (ended.cause !== 'normal') lost++;
      const outcome = ended.recordingLater ? await ended.recordingLater : ended.recording;
      if (outcome?.status !== 'saved') continue;
      saved++;
      const located = await recordings.locate(outcome.key);
      if (located && wavRms(readFileSync(located.path)) > 300) audible++;
    }
    const errors = notPlaced + (n - connected) + lost;
    // The whole life of the calls (placing, answer, bridge, hold, hang-up, recording download), per call.
    const whole = process.cpuUsage(whole0.ccs);
    const ccsPerCall = (whole.user + whole.system) / 1e6 / n;
    const asteriskPerCall = asteriskPid ? (cpuSeconds(asteriskPid) - whole0.asterisk) / n : NaN;
    const per = (core: number) => (connected ? ((core * 100) / connected).toFixed(2) : '-');
    console.log(
      `pbx-load: concurrent ${n} bridged ${connected} (at least ${bridgedMin === Infinity ? 0 : bridgedMin} held ${seconds.toFixed(0)} s) errors ${errors} recordings ${saved} audible ${audible} ` +
        `ccs-cpu ${(ccsCore * 100).toFixed(1)}% (${per(ccsCore)}%/call) asterisk-cpu ${(astCore * 100).toFixed(1)}% (${per(astCore)}%/call) ` +
        `cpu-ms/call over the whole call: ccs ${(ccsPerCall * 1000).toFixed(0)} asterisk ${(asteriskPerCall * 1000).toFixed(0)} load ${load()}`,
    );
    await pause(3000);
    // A shared machine loses a call now and then: the ramp stops at 2 % of calls failed or without audio.
    if (errors > n * 0.02 || audible < connected - n * 0.02) {
      console.log(`  ramp stopped at ${n}: errors or recordings without audio above 2 %`);
      break;
    }
  }

  // 2. Sustained call creation (channels/create + dial) to a busy number.
  for (const rate of rates) {
    const calls: PlaceCallRequest[] = [];
    const failures: string[] = [];
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const ast0 = asteriskPid ? cpuSeconds(asteriskPid) : 0;
    const placing: Promise<void>[] = [];
    for (let i = 0; Date.now() - t0 < rateMs; i++) {
      const due = t0 + (i * 1000) / rate;
      if (due > Date.now()) await pause(due - Date.now());
      const c = request(1);
      calls.push(c);
      placing.push(driver.placeCall(c).catch((e: Error) => void failures.push(e.message)));
    }
    await Promise.all(placing);
    const seconds = (Date.now() - t0) / 1000;
    await until('the busy ends', () => calls.every((c) => of(c.callId, 'ended')), 60_000);
    const notBusy = calls.filter((c) => {
      const e = of(c.callId, 'ended');
      return !e || e.type !== 'ended' || e.cause !== 'busy';
    }).length;
    const cpu = process.cpuUsage(cpu0);
    const astCore = asteriskPid ? (cpuSeconds(asteriskPid) - ast0) / seconds : NaN;
    console.log(
      `pbx-load: create-rate ${rate}/s placed ${calls.length} in ${seconds.toFixed(1)} s (${(calls.length / seconds).toFixed(1)}/s) refused ${failures.length} not-busy ${notBusy} ` +
        `ccs-cpu ${(((cpu.user + cpu.system) / 1e6 / seconds) * 100).toFixed(1)}% asterisk-cpu ${(astCore * 100).toFixed(1)}% load ${load()}${failures[0] ? ` first refusal: ${failures[0]}` : ''}`,
    );
    await pause(3000);
    if (failures.length > 0 || notBusy > 0) {
      console.log(`  rates stopped at ${rate}/s: legs refused or not ending busy`);
      break;
    }
  }

  await driver.stop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
