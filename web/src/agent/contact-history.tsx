// The contact's previous attempts (time, status, agent, note, disposition), on the call panel
// and the preview: what the agent should know before speaking to the customer again.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import type { ContactAttempt } from './types.ts';

export function ContactHistory(props: { campaignId: number; contactId: number; timeZone: string; refreshKey?: string; exclude?: string }) {
  const { t, lang } = useI18n();
  const [attempts, setAttempts] = useState<ContactAttempt[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    setFailed(false);
    api<{ attempts: ContactAttempt[] }>(`/ui/agent/contact-history?campaignId=${props.campaignId}&contactId=${props.contactId}`)
      .then((r) => live && setAttempts(r.attempts.filter((a) => a.callId !== props.exclude)))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [props.campaignId, props.contactId, props.refreshKey]);
  return (
    <div class="contact-history" data-testid="contact-history">
      <h3>{t('history.title')}</h3>
      {failed ? (
        <p class="muted">{t('history.failed')}</p>
      ) : attempts === null ? (
        <p class="muted">{t('app.loading')}</p>
      ) : attempts.length === 0 ? (
        <p class="muted" data-testid="history-empty">
          {t('history.none')}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="history-table">
            <caption class="sr-only">{t('history.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.time')}</th>
                <th scope="col">{t('sup.status')}</th>
                <th scope="col">{t('history.agent')}</th>
                <th scope="col">{t('history.disposition')}</th>
                <th scope="col">{t('history.note')}</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => (
                <tr key={a.callId} data-testid="history-row" data-callid={a.callId}>
                  <td>{whenText(a.startedAt, props.timeZone)}</td>
                  <td>{t(`status.${a.status}`, a.status ?? '–')}</td>
                  <td>{a.agentCode ?? '–'}</td>
                  <td data-testid="history-disposition" data-code={a.disposition ?? ''}>
                    {a.disposition ? (a.dispositionLabel ? (lang === 'en' ? a.dispositionLabel.en : a.dispositionLabel.vi) : t(`disposition.${a.disposition}`, a.disposition)) : '–'}
                  </td>
                  <td class="note-cell">{a.note || '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** `06/01 09:30`, in the service's zone. */
function whenText(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms).replace(',', '');
}
