/**
 * Attempts in memory. Beginning an attempt takes its contact out of the due heap, ending it
 * puts the contact back (or makes it final) and writes its updateCampaign in the same step:
 * both O(log n) in the size of the campaign.
 */
import type { AttemptState } from '../../domain/campaign.ts';
import type { AttemptStore } from '../../ports/store.ts';
import { toJson, unplacedCallId } from '../rows.ts';
import { attemptRecord, changeContact, page, type AttemptRow, type MemoryTables } from './tables.ts';

/** Attempt states only move forward: dialing → ringing → answered → connected → ended. */
const RANK: Record<AttemptState, number> = { dialing: 0, ringing: 1, answered: 2, connected: 3, ended: 4, unplaced: 5 };

export function memoryAttempts(t: MemoryTables): AttemptStore {
  return {
    async beginAttempt(a) {
      const entry = t.campaigns.get(a.campaignId);
      const contact = entry?.byId.get(a.contactId);
      if (entry === undefined || entry.row.state === 'finished') throw new Error(`campaign ${a.campaignId} is finished or unknown`);
      if (contact?.state !== 'pending') throw new Error(`contact ${a.campaignId}/${a.contactId} is not pending`);
      if (t.attempts.has(a.callId)) throw new Error(`attempt ${a.callId} already exists`);
      changeContact(entry, contact, { state: 'dialing', attempts: contact.attempts + 1, waitReason: null });
      const row: AttemptRow = {
        callId: a.callId,
        campaignId: a.campaignId,
        contactId: a.contactId,
        attemptNo: a.attemptNo,
        dialNumber: a.dialNumber,
        state: 'dialing',
        startedAt: a.startedAt,
        ringingAt: null,
        answeredAt: null,
        connectedAt: null,
        endedAt: null,
        agentCode: null,
        stationId: null,
        status: null,
        cause: null,
        recordingKey: null,
        note: null,
        // Dispositions are kept by the SQL stores' disposition repository; the memory store
        // answers with the same empty fields so both read alike.
        disposition: null,
        dispositionAt: null,
        dispositionBy: null,
        auditJson: toJson(a.audit),
      };
      t.attempts.set(row.callId, row);
      t.openAttempts.set(row.callId, row);
      entry.attempts.push(row);
      const ofContact = entry.attemptsByContact.get(row.contactId);
      if (ofContact) ofContact.push(row);
      else entry.attemptsByContact.set(row.contactId, [row]);
    },

    async progressAttempt(callId, p) {
      const row = t.attempts.get(callId);
      if (row === undefined || RANK[p.state] <= RANK[row.state]) return;
      row.state = p.state;
      if (p.state === 'ringing') row.ringingAt = p.at;
      else if (p.state === 'answered') row.answeredAt = p.at;
      else {
        row.connectedAt = p.at;
        row.agentCode = p.agentCode ?? null;
        row.stationId = p.stationId ?? null;
      }
    },

    async endAttempt(end) {
      const row = t.attempts.get(end.callId);
      if (row === undefined || row.state === 'ended') return false;
      row.state = 'ended';
      row.endedAt = end.endedAt;
      row.answeredAt = end.answeredAt;
      row.agentCode = end.agentCode;
      row.stationId = end.stationId;
      row.status = end.status;
      row.cause = end.cause;
      row.recordingKey = end.recordingKey;
      t.openAttempts.delete(row.callId);
      const entry = t.campaigns.get(row.campaignId);
      if (entry !== undefined) {
        entry.attemptsByStatus[end.status] = (entry.attemptsByStatus[end.status] ?? 0) + 1;
        const contact = entry.byId.get(row.contactId);
        if (contact !== undefined) {
          changeContact(entry, contact, {
            state: end.contact.state,
            outcome: end.contact.outcome,
            nextAttemptAt: end.contact.nextAttemptAt,
            waitReason: end.contact.waitReason,
            lastStatus: end.status,
          });
        }
      }
      t.outbox.write({ campaignId: row.campaignId, kind: 'update', idempotencyKey: end.callback.callid, payload: end.callback, at: end.endedAt });
      return true;
    },

    async unplaceAttempt(callId, at, retryAt, reason) {
      const row = t.attempts.get(callId);
      if (row === undefined || row.state !== 'dialing') return false;
      t.attempts.delete(callId);
      t.openAttempts.delete(callId);
      row.callId = unplacedCallId(callId, at);
      row.state = 'unplaced';
      row.endedAt = at;
      row.cause = reason;
      t.attempts.set(row.callId, row);
      const entry = t.campaigns.get(row.campaignId);
      const contact = entry?.byId.get(row.contactId);
      if (entry !== undefined && contact?.state === 'dialing') {
        changeContact(entry, contact, { state: 'pending', attempts: contact.attempts - 1, nextAttemptAt: retryAt, waitReason: reason });
      }
      return true;
    },

    async getAttempt(callId) {
      const row = t.attempts.get(callId);
      return row ? attemptRecord(row) : undefined;
    },

    async openAttempts() {
      // Array.prototype.sort is stable: equal start times keep the order the attempts began in.
      return [...t.openAttempts.values()].sort((a, b) => a.startedAt - b.startedAt).map(attemptRecord);
    },

    async listAttempts({ campaignId, contactId, limit, offset = 0 }) {
      const entry = t.campaigns.get(campaignId);
      const rows = (contactId === undefined ? entry?.attempts : entry?.attemptsByContact.get(contactId)) ?? [];
      const sorted = [...rows].sort((a, b) => b.startedAt - a.startedAt || (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0));
      return page(sorted, limit, offset).map(attemptRecord);
    },

    async setAttemptNote(callId, note) {
      const row = t.attempts.get(callId);
      if (row === undefined) return false;
      row.note = note;
      return true;
    },
  };
}
