/**
 * Screening at receipt (decision 3.12): right after a campaign is stored, its contacts whose
 * numbers must not be called are made final at once, each with its single `DNC`
 * updateCampaign written in the same transaction. The policy decides which
 * (`screenAtReceipt`); contacts are read page by page so large campaigns stay bounded. Pages
 * follow the contacts' key (a page read by offset costs more the further it is), and the
 * screened contacts are made final many at a time in one transaction: on PostgreSQL a
 * transaction per contact, each waiting for its commit to reach the disk, took 24 s for 1,000
 * of 100,000.
 */
import type { CampaignRecord } from '../domain/campaign.ts';
import { dncUpdatePayload, type UpdateCampaignPayload } from '../domain/callbacks.ts';
import type { Profile } from '../domain/profile.ts';
import type { DialPolicy } from '../engine/dial-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';

export interface ReceiptScreeningDeps {
  store: Store;
  policy: DialPolicy;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  profileOf(campaign: Pick<CampaignRecord, 'typeId'>): Profile;
  /** A callback row was written: start delivery. */
  onCallbackQueued(): void;
}

/** Contacts read per page; also how many listed contacts are made final per transaction at most. */
const PAGE = 10_000;

/** Returns `screenContacts(campaignId)` for ReceiveCampaignDeps; resolves with the number of contacts made final. */
export function createReceiptScreening(deps: ReceiptScreeningDeps): (campaignId: number) => Promise<number> {
  return async (campaignId) => {
    const { store, policy, clock } = deps;
    if (!policy.screenAtReceipt) return 0;
    const campaign = await store.getCampaign(campaignId);
    if (!campaign) return 0;
    const profile = deps.profileOf(campaign);
    if (policy.screensAtReceipt && !policy.screensAtReceipt(profile)) return 0;
    let finalized = 0;
    // Listed contacts gathered across pages and made final together: one commit for a campaign with few of them.
    let listed: { contactId: number; callback: UpdateCampaignPayload }[] = [];
    const finalizeListed = async () => {
      if (listed.length > 0) finalized += (await store.finalizeManyWithoutCall(campaignId, 'dnc', listed, clock.now())).length;
      listed = [];
    };
    let after: number | null = null;
    for (;;) {
      const page = await store.listContactsAfter(campaignId, after, PAGE);
      const pending = page.filter((c) => c.state === 'pending');
      if (pending.length > 0) {
        const now = clock.now();
        const screened = await policy.screenAtReceipt(campaign, profile, pending, now);
        for (const c of pending) if (screened.has(c.contactId)) listed.push({ contactId: c.contactId, callback: dncUpdatePayload(c, now, deps.timeZone) });
        if (listed.length >= PAGE) await finalizeListed();
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.contactId;
    }
    await finalizeListed();
    if (finalized > 0) {
      deps.logger.info({ campaignId, contacts: finalized }, 'contacts on a do-not-call list at receipt: not dialled');
      deps.onCallbackQueued();
    }
    return finalized;
  };
}
