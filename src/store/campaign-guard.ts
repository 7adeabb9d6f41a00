/**
 * Nothing is written for a campaign after its finish: an attempt begun or a callback written
 * then would reach the CRM after finishCampaign (decision 3.9). Called first in the
 * transactions that begin an attempt or write a callback without a call. On PostgreSQL the
 * campaign row is share-locked, so such a transaction and the finish (which locks the row for
 * update) never interleave; SQLite runs one transaction at a time.
 */
import type { Kysely } from 'kysely';
import type { SqlDialectName } from './connect.ts';
import type { Database } from './schema.ts';

export async function campaignOpenForWrites(trx: Kysely<Database>, dialect: SqlDialectName, campaignId: number): Promise<boolean> {
  let q = trx.selectFrom('campaigns').select('state').where('id', '=', campaignId);
  if (dialect === 'postgres') q = q.forShare();
  const row = await q.executeTakeFirst();
  return row !== undefined && row.state !== 'finished';
}
