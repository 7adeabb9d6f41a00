/**
 * The live service dialling a predictive campaign on the simulated floor: configuration read by
 * `loadConfig` from a CCS_CONFIG file whose profile for typeid 5 is predictive, the campaign sent
 * through POST /api/sendCampaign, the SQLite store, the engine with per-engine pacing. The
 * floor is the simulator the service would build from that configuration, on a virtual clock
 * (so 40 minutes of calling take seconds) with recordings kept in memory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock, settleMacrotasks } from '../../src/clock/virtual-clock.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { formatContractDatetime } from '../../src/domain/local-time.ts';
import { createPacing, type Pacing } from '../../src/engine/pacing/create-pacing.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createService, type Service } from '../../src/service.ts';
import { simulatorSettings } from '../../src/telephony/create-driver.ts';
import { createSimulatorDriver, type SimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';
import { memoryRecordingStore } from '../contract/simulator-harness.ts';

const CAMPAIGN = 9105;
const START = Date.UTC(2026, 0, 5, 2, 0, 0); // 09:00 in Asia/Ho_Chi_Minh
const MINUTE = 60_000;

describe('the service dials a predictive campaign on the simulated floor', () => {
  let dataDir: string;
  let service: Service;
  let driver: SimulatorDriver;
  let pacing: Pacing;
  let base: string;
  let highestDialLevel = 0;
  let statesSeen = new Set<string | null>();

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ccs-pacing-'));
    writeFileSync(join(dataDir, 'ccs.config.json'), JSON.stringify({ profiles: [{ name: 'predictive', typeIds: [5], dialMode: 'predictive' }] }));
    const config = loadConfig(
      {
        CCS_CONFIG: join(dataDir, 'ccs.config.json'),
        CCS_PORT: '0',
        CCS_HOST: '127.0.0.1',
        CCS_DATA_DIR: dataDir,
        CCS_LOG_LEVEL: 'silent',
        CCS_SIGNING_SECRET: 'pacing-e2e',
        CCS_SIM_SEED: '5',
        CCS_SIM_AGENTS: '12',
        CCS_SIM_ANSWER_RATE: '0.35',
        CCS_SIM_BUSY_RATE: '0.1',
        CCS_SIM_CONGESTION_RATE: '0.02',
        CCS_SIM_FAIL_RATE: '0.01',
        CCS_SIM_RING_SECONDS: '4-15',
        CCS_SIM_TALK_SECONDS: '30-90',
        CCS_SIM_WRAPUP_SECONDS: '10',
      },
      dataDir,
    );
    expect(config.profiles[0]!.dialMode).toBe('predictive');
    const clock = new VirtualClock(START, {
      settle: async () => {
        await settleMacrotasks(2);
        await driver?.whenIdle();
      },
    });
    driver = createSimulatorDriver(
      simulatorSettings(config),
      { clock, recordings: memoryRecordingStore(new Map()), logger: silentLogger },
    );
    pacing = createPacing({ clock });
    service = await createService(config, { clock, logger: silentLogger, telephony: driver, pacers: pacing.pacers });
    pacing.observe(service.engine.events);
    base = await service.start();

    const contacts = Array.from({ length: 1500 }, (_, i) => ({ id: i + 1, phonenumber: `09${String(10_000_000 + i * 37).padStart(8, '0')}` }));
    const response = await fetch(`${base}/api/sendCampaign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        campaignid: CAMPAIGN,
        starttime: formatContractDatetime(START, config.timeZone),
        endtime: formatContractDatetime(START + 8 * 60 * MINUTE, config.timeZone),
        typeid: 5,
        contact: contacts,
      }),
    });
    expect(await response.json()).toEqual({ campaignid: CAMPAIGN, status: 1 });

    for (let minute = 1; minute <= 40; minute++) {
      await clock.advanceTo(START + minute * MINUTE);
      for (const g of pacing.snapshot()) {
        highestDialLevel = Math.max(highestDialLevel, g.dialLevel);
        statesSeen.add(g.state);
      }
    }
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('learns, then dials ahead of free agents: more calls in flight than agents', () => {
    expect(statesSeen.has('predicting')).toBe(true);
    expect(highestDialLevel).toBeGreaterThan(1.2);
    const [group] = pacing.snapshot();
    expect(group!.mode).toBe('predictive');
    expect(group!.inputs.answerProbability).toBeGreaterThan(0.25);
    expect(group!.inputs.answerProbability).toBeLessThan(0.45);
    expect(group!.inputs.meanTalkSeconds).toBeGreaterThan(40);
  });

  it('keeps the abandon rate of the campaign under its 3% target', async () => {
    const view = await (await fetch(`${base}/ops/campaigns/${CAMPAIGN}`)).json();
    const byStatus = view.counts.attemptsByStatus as Record<string, number>;
    expect(view.profile.dialMode).toBe('predictive');
    expect(byStatus.ANSWERED).toBeGreaterThan(200);
    expect(view.abandonRate).toBeLessThanOrEqual(0.03);
    const measured = pacing.snapshot()[0]!.campaigns.find((c) => c.campaignId === CAMPAIGN)!;
    expect(measured.sinceStart.answered).toBeGreaterThanOrEqual(byStatus.ANSWERED! + (byStatus.ABANDONED ?? 0));
  });

  it('holds every answered customer at most 2 s for an agent, and abandons only after the hold', async () => {
    const attempts = await service.store.listAttempts({ campaignId: CAMPAIGN, limit: 100_000 });
    const answered = attempts.filter((a) => a.status === 'ANSWERED' && a.connectedAt !== null);
    expect(answered.length).toBeGreaterThan(0);
    // 2 s hold, plus the floor's 0.2 s to bridge the agent.
    for (const a of answered) expect(a.connectedAt! - a.answeredAt!).toBeLessThanOrEqual(2200);
    for (const a of attempts.filter((x) => x.status === 'ABANDONED')) expect(a.endedAt! - a.answeredAt!).toBeGreaterThanOrEqual(2000);
  });
});
