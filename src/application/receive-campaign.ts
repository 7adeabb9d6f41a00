/**
 * sendCampaign (spec 1.1, decisions 3.2–3.4): validate, then store everything or nothing.
 * Re-sending the same content is acknowledged and changes nothing; the same id with other
 * content is refused. Only a new campaign must have its `endtime` still ahead.
 */
import { createHash } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { campaignValidationSteps, canonicalCampaignParts, checkWindowIsOpen, type CampaignRequest, type ValidationResult } from '../domain/campaign-request.ts';
import { ContractMessage } from '../domain/messages.ts';
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { Store } from '../ports/store.ts';
import type { ContractOutcome } from './contract-outcome.ts';

export interface ReceiveCampaignDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  timeZone: string;
  /** Told about every newly stored campaign (arms its timers, screens its contacts). */
  onCampaignStored(campaignId: number): Promise<void>;
  /** Compliance screening of a newly stored campaign's contacts (do-not-call lists), before its timers are armed. */
  screenContacts?(campaignId: number): Promise<unknown>;
}

export async function receiveCampaign(deps: ReceiveCampaignDeps, body: unknown): Promise<ContractOutcome> {
  const validation = await validateYielding(body, deps.timeZone);
  if (!validation.ok) return validation;
  const request = validation.request;
  const contentHash = await hashOf(request);
  const exists = { ok: false as const, campaignId: request.campaignId, errorMsg: ContractMessage.campaignExists, errors: [{ field: 'campaignid', code: 'duplicate' as const, message: 'campaignid đã được dùng cho một campaign khác.' }] };

  const stored = await deps.store.getCampaign(request.campaignId);
  if (stored) {
    if (stored.contentHash !== contentHash) return exists;
    // The first send may have been stored and then answered 503 (the database dropped before
    // the campaign was armed): the re-send the CRM makes arms it (a no-op when armed already).
    await deps.onCampaignStored(request.campaignId);
    return { ok: true, campaignId: request.campaignId };
  }

  const now = deps.clock.now();
  const windowError = checkWindowIsOpen(request, now);
  if (windowError) return { ok: false, campaignId: request.campaignId, errorMsg: ContractMessage.invalidInput, errors: [windowError] };

  const result = await deps.store.createCampaign(
    { id: request.campaignId, typeId: request.typeId, startsAt: request.startsAt, endsAt: request.endsAt, receivedAt: now, contentHash, extra: request.extra },
    request.contacts,
  );
  if (result.outcome === 'exists') return result.contentHash === contentHash ? { ok: true, campaignId: request.campaignId } : exists;
  deps.logger.info({ campaignId: request.campaignId, contacts: request.contacts.length, typeId: request.typeId }, 'campaign received');
  // A failed screening is not fatal: every contact is checked again just before it is dialled.
  await deps.screenContacts?.(request.campaignId).catch((error) => deps.logger.warn({ campaignId: request.campaignId, err: String(error) }, 'screening at receipt failed'));
  await deps.onCampaignStored(request.campaignId);
  return { ok: true, campaignId: request.campaignId };
}

// A 200,000-contact campaign takes hundreds of milliseconds to check and hash: the event
// loop is given back between steps so other requests and timers are served meanwhile.

async function validateYielding(body: unknown, timeZone: string): Promise<ValidationResult> {
  const steps = campaignValidationSteps(body, timeZone);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await nextTurn();
  }
}

/** Parts hashed between two turns of the event loop (one part per contact). */
const HASH_PARTS_PER_TURN = 20_000;

async function hashOf(request: CampaignRequest): Promise<string> {
  const hash = createHash('sha256');
  let pending = '';
  let parts = 0;
  for (const part of canonicalCampaignParts(request)) {
    pending += part;
    if (pending.length > 65_536) {
      hash.update(pending);
      pending = '';
    }
    if (++parts % HASH_PARTS_PER_TURN === 0) await nextTurn();
  }
  return hash.update(pending).digest('hex');
}
