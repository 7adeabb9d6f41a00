/** Campaigns in memory: creation with contacts, lifecycle transitions, counts. */
import type { CampaignCounts } from '../../domain/campaign.ts';
import { finishIdempotencyKey } from '../../domain/callbacks.ts';
import type { CampaignStore } from '../../ports/store.ts';
import { toJson } from '../rows.ts';
import { addContact, campaignRecord, createCampaignEntry, page, type CampaignRow, type MemoryTables } from './tables.ts';

export function memoryCampaigns(t: MemoryTables): CampaignStore {
  return {
    async createCampaign(campaign, contacts) {
      const known = t.campaigns.get(campaign.id);
      if (known !== undefined) return { outcome: 'exists', contentHash: known.row.contentHash };
      // All or nothing, as the SQL transaction: refuse before storing anything.
      const ids = new Set<number>();
      for (const c of contacts) {
        if (ids.has(c.contactId)) throw new Error(`campaign ${campaign.id}: contact id ${c.contactId} appears twice`);
        ids.add(c.contactId);
      }
      const entry = createCampaignEntry({
        id: campaign.id,
        typeId: campaign.typeId,
        startsAt: campaign.startsAt,
        endsAt: campaign.endsAt,
        state: 'scheduled',
        finishStatus: null,
        receivedAt: campaign.receivedAt,
        startedAt: null,
        stoppedAt: null,
        finishedAt: null,
        contactTotal: contacts.length,
        contentHash: campaign.contentHash,
        extraJson: toJson(campaign.extra),
      });
      contacts.forEach((c, seq) =>
        addContact(entry, {
          campaignId: campaign.id,
          contactId: c.contactId,
          seq,
          phoneNumber: c.phoneNumber,
          dialNumber: c.dialNumber,
          linkEdit: c.linkEdit,
          state: 'pending',
          outcome: null,
          attempts: 0,
          nextAttemptAt: campaign.startsAt,
          lastStatus: null,
          waitReason: null,
          extraJson: toJson(c.extra),
          duePos: -1,
        }),
      );
      t.campaigns.set(campaign.id, entry);
      return { outcome: 'created' };
    },

    async getCampaign(id) {
      const entry = t.campaigns.get(id);
      return entry ? campaignRecord(entry.row) : undefined;
    },

    async listCampaigns({ states, limit, offset = 0 }) {
      const wanted = states && states.length > 0 ? new Set(states) : null;
      const rows: CampaignRow[] = [];
      for (const { row } of t.campaigns.values()) if (wanted === null || wanted.has(row.state)) rows.push(row);
      // Newest first, as the SQL stores order them.
      rows.sort((a, b) => b.receivedAt - a.receivedAt || b.id - a.id);
      return page(rows, limit, offset).map(campaignRecord);
    },

    async countCampaign(id): Promise<CampaignCounts> {
      const entry = t.campaigns.get(id);
      if (entry === undefined) {
        return { contactTotal: 0, contactsFinal: 0, contactsPending: 0, contactsDialing: 0, contactsAnswered: 0, contactsDnc: 0, attempts: 0, attemptsByStatus: {} };
      }
      const c = entry.counts;
      return {
        contactTotal: entry.contacts.length,
        contactsFinal: c.final,
        contactsPending: c.pending,
        contactsDialing: c.dialing,
        contactsAnswered: c.answered,
        contactsDnc: c.dnc,
        attempts: entry.attempts.length,
        attemptsByStatus: { ...entry.attemptsByStatus },
      };
    },

    async startCampaign(id, at) {
      const row = t.campaigns.get(id)?.row;
      if (row?.state !== 'scheduled') return false;
      row.state = 'running';
      row.startedAt = at;
      return true;
    },

    async stopCampaign(id, status, at) {
      const row = t.campaigns.get(id)?.row;
      if (row === undefined || (row.state !== 'scheduled' && row.state !== 'running')) return false;
      row.state = 'stopping';
      row.finishStatus = status;
      row.stoppedAt = at;
      return true;
    },

    async finishCampaign(id, status, at) {
      const entry = t.campaigns.get(id);
      if (entry === undefined || entry.row.state === 'finished') return { outcome: 'already' };
      // As the SQL stores: no finish while an update is still to come, totals from the stored rows.
      let openAttempts = 0;
      const answered = new Set<number>();
      for (const a of entry.attempts) {
        if (a.state !== 'ended' && a.state !== 'unplaced') openAttempts++;
        if (a.status === 'ANSWERED') answered.add(a.contactId);
      }
      const openContacts = status === 'completed' ? entry.counts.pending + entry.counts.dialing : 0;
      if (openAttempts > 0 || openContacts > 0) return { outcome: 'open', openAttempts, openContacts };
      const callback = { campaignid: id, status, contact_total: entry.row.contactTotal, contact_success: answered.size };
      entry.row.state = 'finished';
      entry.row.finishStatus = status;
      entry.row.finishedAt = at;
      t.outbox.write({ campaignId: id, kind: 'finish', idempotencyKey: finishIdempotencyKey(id), payload: callback, at });
      return { outcome: 'finished', callback };
    },
  };
}
