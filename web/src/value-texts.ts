// Values that come from the server (enums, reasons, error strings) and browser errors, turned
// into words in the reader's language. Nothing the server or the network says is shown raw:
// an unknown value gets a generic sentence, and the raw text stays in a tooltip for support.
import { ApiError } from './api.ts';
import type { Translate } from './i18n.ts';
import { percent } from './format.ts';

/** Fills `{name}` placeholders of a translated text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A failed request in a sentence: no network, an unavailable service, or the server's refusal. */
export function errorText(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return t('err.session');
    if (error.status === 404) return t('err.notFound');
    if (error.status === 502 || error.status === 503 || error.status === 504) return t('err.unavailable');
    return fill(t('err.http'), { status: error.status });
  }
  // fetch rejects with a TypeError ("Failed to fetch") when CCS cannot be reached at all.
  return t('err.network');
}

export function outcomeText(t: Translate, outcome: string): string {
  return t(`outcome.${outcome}`, t('outcome.other'));
}

/** Why a pending contact waits: `retry-delay`, `outside-legal-hours (…)`, `frequency-cap-day (…)`… */
export function waitReasonText(t: Translate, reason: string): string {
  const head = /^[a-z-]+/.exec(reason)?.[0] ?? '';
  const key = head.startsWith('frequency-cap') ? 'frequency-cap' : head;
  return t(`wait.${key}`, t('wait.other'));
}

export function dialModeText(t: Translate, profile: { dialMode: string; powerRatio?: number; abandonTarget?: number }): string {
  const n = profile.dialMode === 'power' ? `${profile.powerRatio ?? ''}` : profile.dialMode === 'predictive' ? percent(profile.abandonTarget, 0) : '';
  const text = fill(t(`dialMode.${profile.dialMode}`, profile.dialMode), { n });
  return text.replace(/ [×≤]$/, '');
}

export function groupText(t: Translate, group: string): string {
  return group === 'default' ? t('group.default') : fill(t('group.named'), { name: group });
}

export function callbackKindText(t: Translate, kind: string): string {
  return t(`kind.${kind}`, kind);
}

/** The outbox's last delivery error (src/outbox/http-sender.ts describeFailure) in words. */
export function crmErrorText(t: Translate, error: string): string {
  const http = /^HTTP (\d{3})/.exec(error);
  if (http) return fill(t('crmErr.http'), { status: http[1]! });
  if (error.startsWith('connection refused')) return t('crmErr.refused');
  if (error.startsWith('timeout')) return t('crmErr.timeout');
  if (error.startsWith('connect timeout')) return t('crmErr.connectTimeout');
  if (error.startsWith('connection closed')) return t('crmErr.closed');
  if (error.startsWith('CRM host not found')) return t('crmErr.host');
  if (error.startsWith('sender closed')) return t('crmErr.senderClosed');
  if (error.startsWith('invalid URL')) return t('crmErr.invalidUrl');
  return t('crmErr.other');
}
