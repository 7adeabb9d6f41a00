/**
 * The real service for the browser tests: createService on a temporary data directory (SQLite),
 * listening on 127.0.0.1, the simulated floor with no virtual agents (the desktop agent is the
 * only one) where every customer answers and talks until hung up, and callbacks going to the
 * stand-in CRM. Demo accounts are active (no accounts configured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config.ts';
import { formatContractDatetime } from '../../../src/domain/local-time.ts';
import type { Clock } from '../../../src/ports/clock.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { createService, type Service } from '../../../src/service.ts';

export interface UiService {
  service: Service;
  url: string;
  /** Stops the service (as for a restart); `start` brings it back on the same port and database. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Sends a campaign through the contract API (POST /api/sendCampaign). */
  sendCampaign(id: number, contacts: { id: number; phonenumber: string; linkedit?: string }[]): Promise<unknown>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startUiService(options: { crmUrl: string; env?: Record<string, string>; clock?: Clock }): Promise<UiService> {
  const dir = mkdtempSync(join(tmpdir(), 'ccs-ui-'));
  const port = await freePort();
  const config = loadConfig(
    {
      CCS_DATA_DIR: dir,
      CCS_PORT: String(port),
      CCS_HOST: '127.0.0.1',
      CCS_PUBLIC_URL: `http://127.0.0.1:${port}`,
      CCS_CRM_URL: options.crmUrl,
      // The stand-in CRM's pages are on the loopback: the framing check may ask them only when allowed.
      CCS_FRAME_PROBE_HOSTS: '127.0.0.1',
      CCS_SIM_AGENTS: '0',
      CCS_SIM_ANSWER_RATE: '1',
      CCS_SIM_BUSY_RATE: '0',
      CCS_SIM_CONGESTION_RATE: '0',
      CCS_SIM_FAIL_RATE: '0',
      CCS_SIM_RING_SECONDS: '0.3',
      CCS_SIM_TALK_SECONDS: '3600',
      CCS_LOG_LEVEL: 'silent',
      ...options.env,
    },
    dir,
  );
  const create = () => createService(config, { logger: silentLogger, ...(options.clock ? { clock: options.clock } : {}) });
  let service = await create();
  let running = true;
  const url = await service.start();
  return {
    get service() {
      return service;
    },
    url,
    async stop() {
      if (!running) return;
      running = false;
      await service.stop();
    },
    async start() {
      if (running) return;
      service = await create();
      await service.start();
      running = true;
    },
    async sendCampaign(id, contacts) {
      const now = options.clock?.now() ?? Date.now();
      const response = await fetch(`${url}/api/sendCampaign`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          campaignid: id,
          starttime: formatContractDatetime(now - 60_000, config.timeZone),
          endtime: formatContractDatetime(now + 3600_000, config.timeZone),
          contact: contacts,
        }),
      });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`sendCampaign answered ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    async close() {
      if (running) await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a truthy value, at most `timeoutMs`. */
export async function eventually<T>(what: string, check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; ; i++) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * (i + 1), 250)));
  }
}
