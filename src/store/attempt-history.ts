/**
 * Attempts to one subscriber across all campaigns, for frequency caps. Attempts keep the
 * number in dial form (as the CRM wrote it, separators removed), so a subscriber is matched
 * by every spelling that folds to its key (`dialVariants`), each an equality on the
 * `attempts_number_time (dial_number, started_at)` index; manual calls likewise on
 * `manual_calls_number_time`.
 */
import type { Kysely } from 'kysely';
import { dialVariants } from '../domain/phone-number.ts';
import type { AttemptHistory } from '../ports/attempt-history.ts';
import type { ManualCallsTable } from './manual-call-repository.ts';
import type { Database } from './schema.ts';

export function attemptHistory(db: Kysely<Database>): AttemptHistory {
  return {
    async attemptTimes(subscriber, since) {
      const rows = await db
        .selectFrom('attempts')
        .select('started_at')
        .where('dial_number', 'in', dialVariants(subscriber))
        .where('started_at', '>', since)
        // A leg that never reached the carrier did not call the subscriber.
        .where('state', '!=', 'unplaced')
        .orderBy('started_at')
        .execute();
      // Calls an agent dialled by hand call the subscriber too (refused requests did not).
      const manual = await db
        .withTables<{ manual_calls: ManualCallsTable }>()
        .selectFrom('manual_calls')
        .select('started_at')
        .where('dial_number', 'in', dialVariants(subscriber))
        .where('started_at', '>', since)
        .where('state', '!=', 'refused')
        .execute();
      return [...rows, ...manual].map((r) => Number(r.started_at)).sort((a, b) => a - b);
    },
  };
}
