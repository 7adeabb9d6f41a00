/**
 * Supervisors' disposition codes per profile over Kysely (SQLite and PostgreSQL), sharing the
 * store's connection: each change and its audit row in one transaction (migration
 * 013-disposition-settings).
 */
import type { Kysely } from 'kysely';
import type { DispositionSettings } from '../domain/wrap-up-codes.ts';
import type { DispositionSettingsStore } from '../ports/disposition-settings-store.ts';
import type { Database } from './schema.ts';

interface SettingsTable {
  profile: string;
  required: number;
  codes: string;
  updated_at: number;
  updated_by: string;
}

interface AuditTable {
  id: number;
  at: number;
  actor: string;
  profile: string;
  before: string | null;
  after: string | null;
}

type Tables = { disposition_settings: SettingsTable; disposition_settings_audit: AuditTable };

const parse = (json: string | null): DispositionSettings | null => (json === null ? null : (JSON.parse(json) as DispositionSettings));

export function dispositionSettingsRepository(base: Kysely<Database>): DispositionSettingsStore {
  const db = base.withTables<Tables>() as unknown as Kysely<Tables>;
  return {
    async loadAll() {
      const rows = await db.selectFrom('disposition_settings').selectAll().orderBy('profile').execute();
      return rows.map((r) => ({
        profile: r.profile,
        settings: { required: Number(r.required) === 1, codes: JSON.parse(r.codes) },
        updatedAt: Number(r.updated_at),
        updatedBy: r.updated_by,
      }));
    },

    async save({ profile, settings, before, actor, at }) {
      await db.transaction().execute(async (tx) => {
        if (settings === null) await tx.deleteFrom('disposition_settings').where('profile', '=', profile).execute();
        else {
          const row = { required: settings.required ? 1 : 0, codes: JSON.stringify(settings.codes), updated_at: at, updated_by: actor };
          await tx
            .insertInto('disposition_settings')
            .values({ profile, ...row })
            .onConflict((oc) => oc.column('profile').doUpdateSet(row))
            .execute();
        }
        await tx
          .insertInto('disposition_settings_audit')
          .values({ at, actor, profile, before: before === null ? null : JSON.stringify(before), after: settings === null ? null : JSON.stringify(settings) } as any)
          .execute();
      });
    },

    async audit(profile, limit) {
      const rows = await db.selectFrom('disposition_settings_audit').selectAll().where('profile', '=', profile).orderBy('id', 'desc').limit(limit).execute();
      return rows.map((r) => ({ id: Number(r.id), at: Number(r.at), actor: r.actor, profile: r.profile, before: parse(r.before), after: parse(r.after) }));
    },
  };
}
