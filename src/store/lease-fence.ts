/**
 * The fence on the writes only the dialing node may make (src/ports/coordination.ts): each of
 * them calls `check` inside its own transaction, with the campaign it writes for, before it
 * commits. Unset (one node), nothing is checked. The check itself belongs to the coordination
 * adapter that knows the lease and its token (src/cluster/postgres-coordination.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Throws `LeaseLostError` when this node may not write for the campaign now. */
export type WriteFence = (trx: Kysely<Database>, campaignId: number) => Promise<void>;

/** Set once the coordination is built (after the store it shares the connection with). */
export interface FenceHolder {
  check?: WriteFence;
}
