/** The result of a contract request before it becomes HTTP: success, or an error in the contract's terms. */
import type { FieldError } from '../domain/campaign-request.ts';

export type ContractOutcome =
  | { ok: true; campaignId: number }
  | { ok: false; campaignId: number | null; errorMsg: string; errors: FieldError[] };
