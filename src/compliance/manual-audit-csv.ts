/**
 * Manual calls in the auditor's CSV: the same columns as campaign attempts (audit-csv.ts),
 * with the campaign, contact and attempt number empty. A refused request is a row too, with
 * status `REFUSED` and the reason in `allowed_because` ("refused: …"): the auditor sees what
 * an agent tried to dial and why it was not.
 */
import { formatContractDatetime } from '../domain/local-time.ts';
import { subscriberKey } from '../domain/phone-number.ts';
import type { ManualCallRecord } from '../ports/manual-calls.ts';
import { AUDIT_COLUMNS } from './audit-csv.ts';
import { csvRow } from './csv.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));

export function manualAuditRow(m: ManualCallRecord, timeZone: string): string {
  const audit = m.audit ?? {};
  const local = (ms: unknown) => (typeof ms === 'number' && Number.isFinite(ms) ? formatContractDatetime(ms, timeZone) : '');
  const recent =
    typeof audit.recentAttempts === 'object' && audit.recentAttempts !== null
      ? Object.entries(audit.recentAttempts as Record<string, unknown>)
          .map(([window, n]) => `${window}=${str(n)}`)
          .join(' ')
      : '';
  const values: Record<string, unknown> = {
    call_id: m.callId,
    dial_number: m.dialNumber,
    subscriber: subscriberKey(m.dialNumber),
    started_at: local(m.startedAt),
    started_at_utc: new Date(m.startedAt).toISOString(),
    ended_at: local(m.endedAt),
    status: m.state === 'refused' ? 'REFUSED' : (m.status ?? m.state),
    rule_set: str(audit.ruleSet),
    purpose: str(audit.purpose),
    checks_passed: Array.isArray(audit.checks) ? audit.checks.map(String).join(' ') : '',
    dnc_checked_at: local(audit.dncCheckedAt),
    recent_attempts: recent,
    caller_id: str(audit.callerId),
    allowed_because: m.state === 'refused' ? `refused: ${m.cause ?? ''}` : str(audit.allowedBecause),
  };
  // Columns a campaign attempt has and a manual call does not (campaign, contact, disposition…) stay empty.
  return csvRow(AUDIT_COLUMNS.map((c) => (values[c] as string | number | undefined) ?? ''));
}
