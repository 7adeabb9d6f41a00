// CRM callback health: backlog, oldest pending, callbacks being retried, and dead letters with replay.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { duration, shortDatetime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { callbackKindText, crmErrorText } from '../value-texts.ts';
import type { CrmData } from './dashboard.tsx';

export function CrmHealth(props: { data: CrmData; onReplayed(): void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const { stats, dead, failing } = props.data;
  const replay = async (path: string) => {
    setBusy(true);
    try {
      await api(path, { method: 'POST' });
    } finally {
      setBusy(false);
      props.onReplayed();
    }
  };
  return (
    <section class="card" data-testid="crm-health">
      <h3>{t('sup.crmHealth')}</h3>
      <div class="kpis small even">
        <div class="kpi" data-testid="crm-pending">
          <div class="kpi-label">{t('sup.pending')}</div>
          <div class="kpi-value">{stats.pending}</div>
        </div>
        <div class={`kpi ${(stats.oldestPendingAgeSeconds ?? 0) > 300 ? 'warn' : ''}`}>
          <div class="kpi-label">{t('sup.oldestPending')}</div>
          <div class="kpi-value">{stats.oldestPendingAgeSeconds === null ? '–' : duration(stats.oldestPendingAgeSeconds)}</div>
        </div>
        <div class={`kpi ${failing.length ? 'warn' : ''}`}>
          <div class="kpi-label">{t('sup.failing')}</div>
          <div class="kpi-value">{failing.length}</div>
        </div>
        <div class={`kpi ${stats.dead ? 'warn' : ''}`} data-testid="crm-dead">
          <div class="kpi-label">{t('sup.dead')}</div>
          <div class="kpi-value">{stats.dead}</div>
        </div>
        <div class="kpi" data-testid="crm-delivered">
          <div class="kpi-label">{t('sup.delivered')}</div>
          <div class="kpi-value">{stats.delivered}</div>
        </div>
      </div>
      {dead.length === 0 ? (
        <p class="muted">{t('sup.noDead')}</p>
      ) : (
        <>
          <div class="row between">
            <strong>{t('sup.dead')}</strong>
            <button type="button" class="small" disabled={busy} onClick={() => replay('/ops/outbox/replay-dead')} data-testid="replay-all">
              {t('sup.replayAll')}
            </button>
          </div>
          <table class="table compact">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('sup.campaign')}</th>
                <th>{t('sup.kind')}</th>
                <th>{t('sup.created')}</th>
                <th class="num">{t('sup.tries')}</th>
                <th>{t('sup.lastError')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {dead.map((c) => (
                <tr>
                  <td>{c.id}</td>
                  <td>#{c.campaignid}</td>
                  <td>{callbackKindText(t, c.kind)}</td>
                  <td>{shortDatetime(c.createdAt)}</td>
                  <td class="num">{c.attempts}</td>
                  <td class="error-text" title={c.lastError ?? ''}>
                    {c.lastError === null ? '–' : crmErrorText(t, c.lastError)}
                  </td>
                  <td>
                    <button type="button" class="small" disabled={busy} onClick={() => replay(`/ops/outbox/${c.id}/replay`)} data-testid={`replay-${c.id}`}>
                      {t('sup.replay')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
