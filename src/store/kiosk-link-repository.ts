/** Kiosk links over Kysely (SQLite and PostgreSQL), sharing the store's connection; see src/auth/kiosk-links.ts. */
import type { Kysely } from 'kysely';
import type { KioskLink, KioskLinkRecords } from '../auth/kiosk-links.ts';

interface KioskLinksTable {
  id: number;
  name: string;
  token_hash: string;
  created_by: string;
  created_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  last_seen_at: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

const fromRow = (r: KioskLinksTable): KioskLink => ({
  id: Number(r.id),
  name: r.name,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  revokedAt: num(r.revoked_at),
  revokedBy: r.revoked_by,
  lastSeenAt: num(r.last_seen_at),
});

export function kioskLinkRepository(base: Kysely<any>): KioskLinkRecords {
  const db = base as unknown as Kysely<{ kiosk_links: KioskLinksTable }>;
  return {
    async create(link) {
      const row = await db
        .insertInto('kiosk_links')
        .values({ name: link.name, token_hash: link.tokenHash, created_by: link.createdBy, created_at: link.createdAt } as any)
        .returningAll()
        .executeTakeFirstOrThrow();
      return fromRow(row);
    },
    async list() {
      return (await db.selectFrom('kiosk_links').selectAll().orderBy('id', 'desc').limit(500).execute()).map(fromRow);
    },
    async findByHash(tokenHash) {
      const row = await db.selectFrom('kiosk_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      return row ? fromRow(row) : undefined;
    },
    async revoke(id, by, at) {
      const r = await db.updateTable('kiosk_links').set({ revoked_at: at, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    async activeIds() {
      return (await db.selectFrom('kiosk_links').select('id').where('revoked_at', 'is', null).execute()).map((r) => Number(r.id));
    },
    async touch(id, at) {
      await db.updateTable('kiosk_links').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
  };
}
