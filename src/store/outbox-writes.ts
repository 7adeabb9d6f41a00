/** Writing a callback row; always called inside the transaction of the change that causes it. */
import type { Kysely } from 'kysely';
import type { CallbackKind } from '../ports/store.ts';
import type { Database } from './schema.ts';

export interface CallbackRow {
  campaignId: number;
  kind: CallbackKind;
  idempotencyKey: string;
  payload: unknown;
  at: number;
  /** First due then instead of at `at` (an update held for its disposition). */
  dueAt?: number;
}

export async function insertCallback(trx: Kysely<Database>, row: CallbackRow): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      campaign_id: row.campaignId,
      kind: row.kind,
      idempotency_key: row.idempotencyKey,
      payload: JSON.stringify(row.payload),
      created_at: row.at,
      next_attempt_at: row.dueAt ?? row.at,
      attempts: 0,
      state: 'pending',
      last_error: null,
      delivered_at: null,
    })
    .execute();
}
