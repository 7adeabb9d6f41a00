/** Contacts in memory: what is due (read from the campaign's due heap), postponements, DNC finals. */
import type { ContactStore } from '../../ports/store.ts';
import { changeContact, contactRecord, page, type MemoryTables } from './tables.ts';

export function memoryContacts(t: MemoryTables): ContactStore {
  const pendingContact = (campaignId: number, contactId: number) => {
    const entry = t.campaigns.get(campaignId);
    const contact = entry?.byId.get(contactId);
    return entry !== undefined && contact?.state === 'pending' ? { entry, contact } : undefined;
  };

  return {
    async getContact(campaignId, contactId) {
      const c = t.campaigns.get(campaignId)?.byId.get(contactId);
      return c ? contactRecord(c) : undefined;
    },

    async listContactsAfter(campaignId, afterContactId, limit) {
      const contacts = t.campaigns.get(campaignId)?.contacts ?? [];
      const after = contacts.filter((c) => afterContactId === null || c.contactId > afterContactId).sort((a, b) => a.contactId - b.contactId);
      return after.slice(0, limit).map(contactRecord);
    },

    async listContacts(campaignId, { state, limit, offset = 0 }) {
      const contacts = t.campaigns.get(campaignId)?.contacts ?? [];
      return page(state === undefined ? contacts : contacts.filter((c) => c.state === state), limit, offset).map(contactRecord);
    },

    async dueContacts(campaignId, now, limit) {
      const entry = t.campaigns.get(campaignId);
      if (entry === undefined) return [];
      return entry.due.smallest(limit, (c) => c.nextAttemptAt! <= now).map(contactRecord);
    },

    async nextDueAt(campaignId) {
      return t.campaigns.get(campaignId)?.due.peek()?.nextAttemptAt ?? null;
    },

    async countOpenContacts(campaignId) {
      const counts = t.campaigns.get(campaignId)?.counts;
      return counts ? counts.pending + counts.dialing : 0;
    },

    async postponeContact(campaignId, contactId, until, reason) {
      const found = pendingContact(campaignId, contactId);
      if (found) changeContact(found.entry, found.contact, { nextAttemptAt: until, waitReason: reason });
    },

    async finalizeWithoutCall(campaignId, contactId, outcome, callback, at) {
      const found = pendingContact(campaignId, contactId);
      // Nothing is written for a campaign after its finish (as the SQL stores).
      if (found === undefined || found.entry.row.state === 'finished') return false;
      changeContact(found.entry, found.contact, { state: 'final', outcome, lastStatus: callback.status, nextAttemptAt: null, waitReason: null });
      t.outbox.write({ campaignId, kind: 'update', idempotencyKey: callback.callid, payload: callback, at });
      return true;
    },

    async finalizeManyWithoutCall(campaignId, outcome, contacts, at) {
      const made: number[] = [];
      for (const { contactId, callback } of contacts) {
        const found = pendingContact(campaignId, contactId);
        if (found === undefined || found.entry.row.state === 'finished') continue;
        changeContact(found.entry, found.contact, { state: 'final', outcome, lastStatus: callback.status, nextAttemptAt: null, waitReason: null });
        t.outbox.write({ campaignId, kind: 'update', idempotencyKey: callback.callid, payload: callback, at });
        made.push(contactId);
      }
      return made;
    },
  };
}
