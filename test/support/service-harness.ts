/**
 * Runs a real CCS service in-process for a test: a fresh data directory and database (SQLite
 * or PostgreSQL), port 0, settings from `env`, optional overrides (virtual clock, scripted
 * telephony). `request` talks to it over real HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createService, type Service, type ServiceOverrides } from '../../src/service.ts';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.ts';

export interface RunningService {
  service: Service;
  url: string;
  dataDir: string;
  request(method: string, path: string, options?: { body?: string | object; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; text: string; json: any }>;
  stop(): Promise<void>;
}

export async function startService(dialect: DialectName, env: Record<string, string> = {}, overrides: ServiceOverrides = {}): Promise<RunningService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccs-svc-'));
  let database: TestDatabase | null = null;
  const dbEnv: Record<string, string> = {};
  if (dialect === 'postgres') {
    database = await createTestDatabase('postgres');
    dbEnv.CCS_DATABASE_URL = database.url;
  }
  const config = loadConfig({ CCS_PORT: '0', CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dataDir, CCS_SIM_AGENTS: '0', CCS_LOG_LEVEL: 'silent', ...dbEnv, ...env }, dataDir);
  const service = await createService(config, { logger: silentLogger, ...overrides });
  const url = await service.start();
  return {
    service,
    url,
    dataDir,
    async request(method, path, options = {}) {
      const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      const headers = { ...(typeof options.body === 'object' ? { 'content-type': 'application/json' } : {}), ...options.headers };
      const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await response.text();
      let json: unknown = undefined;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    async stop() {
      await service.stop();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
