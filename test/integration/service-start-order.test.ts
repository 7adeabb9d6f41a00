/**
 * The service takes its port before it starts anything else. A second CCS pointed at the same
 * data and a port already in use (a second `npm start` beside a running one) must stop there:
 * were its engine started first, it would take the running CCS's calls in progress for calls
 * left over from a crash and report them to the CRM as ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createService, type Service } from '../../src/service.ts';
import { campaignBody } from '../support/campaigns.ts';
import { waitFor } from '../support/crm-receiver.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

const running: RunningService[] = [];
const created: Service[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of created.splice(0)) await s.stop();
  for (const s of running.splice(0)) await s.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Every call answered and kept talking far longer than the test runs.
const LONG_CALLS = {
  CCS_SIM_AGENTS: '1',
  CCS_SIM_ANSWER_RATE: '1',
  CCS_SIM_BUSY_RATE: '0',
  CCS_SIM_CONGESTION_RATE: '0',
  CCS_SIM_FAIL_RATE: '0',
  CCS_SIM_RING_SECONDS: '0-0',
  CCS_SIM_TALK_SECONDS: '600',
};

describe('service start order', () => {
  it('a CCS whose port is taken stops before it touches the calls of the CCS that holds the port', async () => {
    const first = await startService('sqlite', LONG_CALLS);
    running.push(first);
    expect((await first.request('POST', '/api/sendCampaign', { body: campaignBody(1, { contacts: 1 }) })).json).toEqual({ campaignid: 1, status: 1 });
    await waitFor(async () => (await first.request('GET', '/ops/calls/live')).json.calls.some((c: { state: string }) => c.state === 'connected'));

    const port = new URL(first.url).port;
    const config = loadConfig({ CCS_PORT: port, CCS_HOST: '127.0.0.1', CCS_DATA_DIR: first.dataDir, CCS_LOG_LEVEL: 'silent', ...LONG_CALLS }, first.dataDir);
    const second = await createService(config, { logger: silentLogger });
    created.push(second);
    const engineStart = vi.spyOn(second.engine, 'start');
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(engineStart).not.toHaveBeenCalled();

    // The call is still open in the store and nothing was reported for it.
    const attempts = (await first.request('GET', '/ops/campaigns/1/attempts')).json.attempts;
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: null, endtime: null });
    expect((await first.request('GET', '/ops/outbox')).json.callbacks).toEqual([]);
  });

  it('answers requests that arrive while it starts once the start is done', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccs-start-order-'));
    dirs.push(dataDir);
    const config = loadConfig({ CCS_PORT: '0', CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dataDir, CCS_SIM_AGENTS: '0', CCS_LOG_LEVEL: 'silent' }, dataDir);
    const service = await createService(config, { logger: silentLogger });
    created.push(service);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const engineStart = service.engine.start.bind(service.engine);
    vi.spyOn(service.engine, 'start').mockImplementation(async () => {
      await held;
      await engineStart();
    });
    let arrived = 0;
    service.app.server.on('request', () => arrived++);
    const starting = service.start();
    await waitFor(() => service.app.server.listening);
    const { port } = service.app.server.address() as { port: number };

    let answered = false;
    const health = fetch(`http://127.0.0.1:${port}/healthz`).then((r) => {
      answered = true;
      return r.status;
    });
    const campaigns = fetch(`http://127.0.0.1:${port}/ops/campaigns`).then((r) => r.status);
    await waitFor(() => arrived === 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);

    release();
    await starting;
    expect(await health).toBe(200);
    expect(await campaigns).toBe(200);
  });
});
