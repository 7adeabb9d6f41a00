/**
 * What CCS writes to disk holds phone numbers, call history and conversations: the SQLite
 * database (with its -wal and -shm), the recordings and the link-signing secret are readable
 * by the service's user only, even under a permissive umask.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createService } from '../../src/service.ts';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('files on disk are private to the service user', () => {
  let base: string;
  let umask: number;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'ccs-modes-'));
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(base, { recursive: true, force: true });
  });

  async function run(dataDir: string) {
    const config = loadConfig({ CCS_PORT: '0', CCS_HOST: '127.0.0.1', CCS_DATA_DIR: dataDir, CCS_SIM_AGENTS: '0', CCS_LOG_LEVEL: 'silent' }, base);
    const service = await createService(config, { logger: silentLogger });
    await service.start();
    const stored = await service.recordings.save('ccs-1-1-1', 'audio/wav', new Uint8Array([1, 2, 3]));
    return { service, recording: join(config.recordings.dir, stored.key), recordingsDir: config.recordings.dir };
  }

  it('creates the data folder 0700, the database, -wal, -shm and signing secret 0600, recordings 0700/0600 under umask 000', async () => {
    const dataDir = join(base, 'data');
    const { service, recording, recordingsDir } = await run(dataDir);
    try {
      expect(modeOf(dataDir)).toBe('700');
      for (const file of ['ccs.sqlite', 'ccs.sqlite-wal', 'ccs.sqlite-shm', 'signing-secret']) {
        expect(existsSync(join(dataDir, file)), file).toBe(true);
        expect(modeOf(join(dataDir, file)), file).toBe('600');
      }
      expect(modeOf(recordingsDir)).toBe('700');
      expect(modeOf(join(recording, '..'))).toBe('700');
      expect(modeOf(join(recording, '../..'))).toBe('700');
      expect(modeOf(recording)).toBe('600');
    } finally {
      await service.stop();
    }
  });

  it('narrows a world-readable database file left by an earlier version', async () => {
    const dataDir = join(base, 'old');
    const { service } = await run(dataDir);
    await service.stop();
    chmodSync(join(dataDir, 'ccs.sqlite'), 0o644);
    const again = await run(dataDir);
    try {
      expect(modeOf(join(dataDir, 'ccs.sqlite'))).toBe('600');
      expect(modeOf(join(dataDir, 'ccs.sqlite-wal'))).toBe('600');
    } finally {
      await again.service.stop();
    }
  });
});
