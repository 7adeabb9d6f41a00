/** closeCampaign (spec 1.2, decisions 3.4–3.5): idempotent; unknown ids are refused. */
import { parsePositiveId } from '../domain/campaign-request.ts';
import { ContractMessage } from '../domain/messages.ts';
import type { ContractOutcome } from './contract-outcome.ts';

export async function closeCampaign(engine: { closeCampaign(id: number): Promise<'closed' | 'already' | 'unknown'> }, rawId: string): Promise<ContractOutcome> {
  const id = /^\d+$/.test(rawId) ? parsePositiveId(rawId) : null;
  if (id === null) {
    return { ok: false, campaignId: null, errorMsg: ContractMessage.invalidInput, errors: [{ field: 'campaignid', code: 'invalid', message: 'campaignid phải là số nguyên dương.' }] };
  }
  const result = await engine.closeCampaign(id);
  if (result === 'unknown') {
    return { ok: false, campaignId: id, errorMsg: ContractMessage.campaignUnknown, errors: [{ field: 'campaignid', code: 'invalid', message: 'Không có campaign với id này.' }] };
  }
  return { ok: true, campaignId: id };
}
