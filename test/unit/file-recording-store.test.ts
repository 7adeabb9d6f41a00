/** Recordings on disk: dated folders, path-safe keys, atomic writes, nothing outside the root. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { createFileRecordingStore, safeName } from '../../src/recordings/file-recording-store.ts';

describe('file recording store', () => {
  let dir: string;
  const clock = new VirtualClock(Date.UTC(2026, 10, 26, 23, 59, 59));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccs-rec-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('saves under YYYY/MM/DD/<callId>.wav (UTC) and locates it by key', async () => {
    const store = createFileRecordingStore(dir, { clock });
    const stored = await store.save('call-1', 'audio/wav', new Uint8Array([1, 2, 3]));
    expect(stored).toEqual({ key: '2026/11/26/call-1.wav', contentType: 'audio/wav', size: 3 });
    const located = await store.locate(stored.key);
    expect(located).toEqual({ path: join(dir, '2026/11/26/call-1.wav'), contentType: 'audio/wav', size: 3 });
    expect([...(await readFile(located!.path))]).toEqual([1, 2, 3]);
  });

  it('writes a streamed recording whole and leaves no temporary file behind', async () => {
    const store = createFileRecordingStore(dir, { clock });
    async function* chunks() {
      yield new Uint8Array([1, 2]);
      yield new Uint8Array([3]);
    }
    const stored = await store.save('streamed', 'audio/wav', chunks());
    expect(stored.size).toBe(3);
    expect(readdirSync(join(dir, '2026/11/26'))).toEqual(['streamed.wav']);
  });

  it('a stream that fails leaves neither a recording nor a temporary file', async () => {
    const store = createFileRecordingStore(dir, { clock, fsync: false });
    async function* broken() {
      yield new Uint8Array([1]);
      throw new Error('source went away');
    }
    await expect(store.save('broken', 'audio/wav', broken())).rejects.toThrow('source went away');
    expect(readdirSync(join(dir, '2026/11/26'))).toEqual([]);
  });

  it('turns unsafe call ids into distinct, path-safe file names', async () => {
    const store = createFileRecordingStore(dir, { clock, fsync: false });
    const a = await store.save('../../etc/passwd', 'audio/wav', new Uint8Array([1]));
    const b = await store.save('__/__/etc/passwd', 'audio/wav', new Uint8Array([2]));
    expect(a.key).toMatch(/^2026\/11\/26\/[A-Za-z0-9_-]+\.wav$/);
    expect(a.key).not.toBe(b.key);
    expect(safeName('abc-DEF_1')).toBe('abc-DEF_1');
    expect(await store.locate(a.key)).not.toBeNull();
  });

  it('treats keys not of its own shape as absent', async () => {
    const store = createFileRecordingStore(dir, { clock, fsync: false });
    await store.save('x', 'audio/wav', new Uint8Array([1]));
    for (const key of ['../2026/11/26/x.wav', '2026/11/26/../x.wav', '/etc/passwd', '2026/11/26/x.wav/', '2026/11/26/.x.wav', '2026\\11\\26\\x.wav', '']) {
      expect(await store.locate(key), key).toBeNull();
    }
    expect(await store.locate('2026/11/27/x.wav')).toBeNull();
  });
});
