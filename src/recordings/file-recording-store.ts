/**
 * Recordings on the local disk, one file per call under `<dir>/YYYY/MM/DD/<callId>.<ext>`
 * (UTC date of saving). The key is that relative path. Files are written to a hidden
 * temporary name beside the final one and renamed into place, so a reader never sees half a
 * recording. Keys that do not have the store's own shape (absolute, `..`, other characters)
 * are treated as absent and never resolve outside `dir`. Folders are 0700 and files 0600:
 * recordings are conversations, for the service's user only.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { systemClock } from '../clock/system-clock.ts';
import type { Clock } from '../ports/clock.ts';
import type { RecordingStore, StoredRecording } from '../ports/recording-store.ts';

export interface FileRecordingStoreOptions {
  /** Dates the folders; defaults to the system clock. */
  clock?: Clock;
  /** Flush each file to disk before it is renamed into place (default true). */
  fsync?: boolean;
}

const EXTENSIONS: Record<string, string> = {
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/gsm': 'gsm',
};
const CONTENT_TYPES: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', ogg: 'audio/ogg', gsm: 'audio/gsm' };
const KEY_SHAPE = /^\d{4}\/\d{2}\/\d{2}\/[A-Za-z0-9_-]{1,120}\.[a-z0-9]{1,5}$/;

export function createFileRecordingStore(dir: string, options: FileRecordingStoreOptions = {}): RecordingStore {
  const root = resolve(dir);
  const clock = options.clock ?? systemClock;
  const fsync = options.fsync ?? true;
  const madeDirs = new Set<string>();
  let tempCounter = 0;
  // Temporary names unique to this store: nodes sharing the folder (NFS) may have the same pid.
  const tempPrefix = `.${process.pid}-${randomBytes(4).toString('hex')}`;

  return {
    async save(callId, contentType, data): Promise<StoredRecording> {
      const extension = EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
      const key = `${datePath(clock.now())}/${safeName(callId)}.${extension}`;
      const path = join(root, key);
      const folder = dirname(path);
      if (!madeDirs.has(folder)) {
        await makePrivateFolders(root, folder);
        madeDirs.add(folder);
      }
      const temp = join(folder, `${tempPrefix}-${tempCounter++}.tmp`);
      let size = 0;
      try {
        const handle = await open(temp, 'wx', 0o600);
        try {
          // Recordings are private to the service's user, whatever the umask.
          await handle.chmod(0o600);
          const bytes = typeof data === 'function' ? await data() : data;
          const chunks = bytes instanceof Uint8Array ? [bytes] : bytes;
          for await (const chunk of chunks) {
            await handle.write(chunk);
            size += chunk.byteLength;
          }
          if (fsync) await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, path);
      } catch (error) {
        await unlink(temp).catch(() => {});
        throw error;
      }
      return { key, contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', size };
    },

    async locate(key) {
      if (!isStoreKey(key)) return null;
      const path = join(root, key);
      try {
        const info = await stat(path);
        if (!info.isFile()) return null;
        const extension = key.slice(key.lastIndexOf('.') + 1);
        return { path, contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream', size: info.size };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    async remove(key) {
      if (!isStoreKey(key)) return false;
      try {
        await unlink(join(root, key));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
  };
}

/** Creates `folder` under `root` (root included), each level 0700 whatever the umask. */
async function makePrivateFolders(root: string, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (let dir = folder; dir.length >= root.length; dir = dirname(dir)) {
    // Best effort on folders made by someone else: a recording is never lost over a mode.
    await chmod(dir, 0o700).catch(() => {});
    if (dir === root) break;
  }
}

/** True for keys of the store's own shape: `YYYY/MM/DD/<name>.<ext>`, nothing else. */
export function isStoreKey(key: string): boolean {
  return KEY_SHAPE.test(key) && !key.includes('..');
}

function datePath(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

/**
 * A file name for a call id: kept as is when it is already path-safe, otherwise cleaned and
 * suffixed with a hash of the original so two different ids never share a file.
 */
export function safeName(callId: string): string {
  const cleaned = callId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 100);
  if (cleaned === callId && cleaned.length > 0) return cleaned;
  return `${cleaned}-${fnv1a(callId)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
