/**
 * The Store port held in process memory: the same rules as the SQL stores (it passes the same
 * conformance suite) without their cost, so benchmarks can measure the engine alone. Nothing
 * survives the process. Every method runs to completion without yielding, so each is atomic
 * like a SQL transaction; every read returns copies, never the store's own rows.
 */
import type { Store } from '../ports/store.ts';
import { memoryAttempts } from './memory/attempts.ts';
import { memoryCampaigns } from './memory/campaigns.ts';
import { memoryContacts } from './memory/contacts.ts';
import { createTables } from './memory/tables.ts';

export function createMemoryStore(): Store {
  const tables = createTables();
  return {
    dialect: 'memory',
    ...memoryCampaigns(tables),
    ...memoryContacts(tables),
    ...memoryAttempts(tables),
    ...tables.outbox.store,
    async ping() {},
    async probeWrite() {},
    async close() {},
  };
}
