/**
 * The auditor's CSV: one row per call attempt with the compliance record kept with it (rule
 * set, checks passed, when the do-not-call list was consulted, recent attempts to the
 * number, why the call was allowed). Local times are in the CCS's zone, in the contract's
 * format; `started_at_utc` gives the same instant in ISO 8601. Attempts made without a
 * compliance record (another dial policy) show empty compliance columns.
 */
import type { AttemptRecord } from '../domain/campaign.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import { subscriberKey } from '../domain/phone-number.ts';
import { csvRow } from './csv.ts';

export const AUDIT_COLUMNS = [
  'campaign_id',
  'contact_id',
  'call_id',
  'attempt_no',
  'dial_number',
  'subscriber',
  'started_at',
  'started_at_utc',
  'ended_at',
  'status',
  'rule_set',
  'purpose',
  'checks_passed',
  'dnc_checked_at',
  'recent_attempts',
  'caller_id',
  'allowed_because',
  'disposition',
  'disposition_by',
  'disposition_at',
] as const;

export const AUDIT_HEADER = csvRow(AUDIT_COLUMNS);

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

export function auditRow(a: AttemptRecord, timeZone: string): string {
  const audit = a.audit ?? {};
  const local = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? formatContractDatetime(ms, timeZone) : '');
  const checks = Array.isArray(audit.checks) ? audit.checks.map(String).join(' ') : '';
  const recent =
    typeof audit.recentAttempts === 'object' && audit.recentAttempts !== null
      ? Object.entries(audit.recentAttempts as Record<string, unknown>)
          .map(([window, n]) => `${window}=${str(n)}`)
          .join(' ')
      : '';
  return csvRow([
    a.campaignId,
    a.contactId,
    a.callId,
    a.attemptNo,
    a.dialNumber,
    subscriberKey(a.dialNumber),
    local(a.startedAt),
    new Date(a.startedAt).toISOString(),
    local(a.endedAt),
    a.status ?? a.state,
    str(audit.ruleSet),
    str(audit.purpose),
    checks,
    local(audit.dncCheckedAt),
    recent,
    str(audit.callerId),
    str(audit.allowedBecause),
    a.disposition ?? '',
    a.dispositionBy ?? '',
    local(a.dispositionAt),
  ]);
}
