/**
 * The SQLite database holds phone numbers and call history: its file is readable by the
 * service's user only (0600), whatever the umask. SQLite gives its `-wal` and `-shm` files
 * the database file's mode, so creating the file first with 0600 covers them; files left by
 * an older version with a wider mode are narrowed at start.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates (0700) the folder of a database file that does not exist yet; an existing folder is left as it is. */
export function ensurePrivateParent(path: string): void {
  const dir = dirname(path);
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Makes the database file and its companions private before SQLite opens them. */
export function preparePrivateDatabaseFile(path: string): void {
  ensurePrivateParent(path);
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  }
}
