/**
 * The one place where contract outcomes and errors become HTTP: `200 {campaignid, status: 1}`
 * or `400 {campaignid, status: 0, error_msg, errors}` (spec 1.1, decision 3.2).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ContractOutcome } from '../application/contract-outcome.ts';
import type { FieldError } from '../domain/campaign-request.ts';
import { ContractMessage } from '../domain/messages.ts';

export interface ContractErrorBody {
  campaignid: number | null;
  status: 0;
  error_msg: string;
  errors: FieldError[];
}

export function contractError(campaignId: number | null, errorMsg: string, errors: FieldError[]): ContractErrorBody {
  return { campaignid: campaignId, status: 0, error_msg: errorMsg, errors };
}

export function sendOutcome(reply: FastifyReply, outcome: ContractOutcome): FastifyReply {
  if (outcome.ok) return reply.code(200).send({ campaignid: outcome.campaignId, status: 1 });
  return reply.code(400).send(contractError(outcome.campaignId, outcome.errorMsg, outcome.errors));
}

/** Request-level problems detected before a handler runs (framework errors, wrong method, auth). */
export const requestProblems = {
  badContentType: (detail: string) => contractError(null, ContractMessage.badContentType, [{ field: 'body', code: 'invalid', message: detail }]),
  tooLarge: (limitBytes: number) =>
    contractError(null, ContractMessage.invalidInput, [{ field: 'body', code: 'invalid', message: `Dữ liệu vượt quá giới hạn ${Math.round(limitBytes / 1048576)} MB.` }]),
  wrongMethod: (expected: string) =>
    contractError(null, ContractMessage.invalidInput, [{ field: 'method', code: 'invalid', message: `Phương thức không hợp lệ, hãy dùng ${expected}.` }]),
  badCampaignId: () => contractError(null, ContractMessage.invalidInput, [{ field: 'campaignid', code: 'invalid', message: 'campaignid phải là số nguyên dương.' }]),
  unknownPath: () => contractError(null, ContractMessage.invalidInput, [{ field: 'path', code: 'invalid', message: 'Đường dẫn API không tồn tại.' }]),
  /** 503: the database is unreachable or cannot write; nothing was stored, the CRM may send again. */
  storeUnavailable: (campaignId: number | null) =>
    contractError(campaignId, ContractMessage.storeUnavailable, [{ field: 'server', code: 'invalid', message: 'Cơ sở dữ liệu tạm thời không truy cập được.' }]),
  internal: () => contractError(null, 'Lỗi hệ thống, vui lòng thử lại sau.', [{ field: 'server', code: 'invalid', message: 'internal error' }]),
  unauthorized: () => contractError(null, 'Không có quyền truy cập.', [{ field: 'X-API-Key', code: 'invalid', message: 'API key không hợp lệ.' }]),
  forbiddenAddress: (ip: string) => contractError(null, 'Không có quyền truy cập.', [{ field: 'address', code: 'invalid', message: `Địa chỉ ${ip} không được phép.` }]),
};

/** The campaign a contract request names (body `campaignid` or path id), for the error body; null when it names none. */
export function requestedCampaignId(request: FastifyRequest): number | null {
  const fromPath = (request.params as { id?: unknown } | undefined)?.id;
  const fromBody = (request.body as { campaignid?: unknown } | undefined)?.campaignid;
  const raw = typeof fromPath === 'string' ? Number(fromPath) : fromBody;
  return typeof raw === 'number' && Number.isSafeInteger(raw) && raw > 0 ? raw : null;
}
