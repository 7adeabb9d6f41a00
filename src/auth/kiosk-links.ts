/**
 * Kiosk links: a named, revocable, read-only link to the wallboard for a TV that nobody signs
 * in on. The token is 32 random bytes (base64url) handed out once, at creation; only its
 * SHA-256 is stored, so neither the database nor a backup opens a wallboard.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface KioskLink {
  id: number;
  name: string;
  createdBy: string;
  createdAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  /** When a wallboard last opened with it (null: never). */
  lastSeenAt: number | null;
}

export interface KioskLinkRecords {
  create(link: { name: string; tokenHash: string; createdBy: string; createdAt: number }): Promise<KioskLink>;
  list(): Promise<KioskLink[]>;
  /** The link whose token has this hash, revoked or not. */
  findByHash(tokenHash: string): Promise<KioskLink | undefined>;
  /** Revokes a live link; false when there is none under that id (unknown or already revoked). */
  revoke(id: number, by: string, at: number): Promise<boolean>;
  /** Ids of the links not revoked. */
  activeIds(): Promise<number[]>;
  touch(id: number, at: number): Promise<void>;
}

export const KIOSK_NAME_MAX = 80;

export const newKioskToken = (): string => randomBytes(32).toString('base64url');

export const kioskTokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Whether `value` has the shape of a token we hand out (checked before any database read). */
export const isKioskTokenShape = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value);
