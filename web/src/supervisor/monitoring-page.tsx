// The call monitoring log: every listen, whisper and barge (who, which call, campaign and
// agent, each mode from–to, how it ended), newest first, refreshed while open.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';
import { errorText } from '../value-texts.ts';
import { ListTable } from './list-table.tsx';
import type { MonitorMode } from './monitor-controls.tsx';

interface MonitoringRecordView {
  id: number;
  supervisor: string;
  callId: string;
  campaignId: number;
  agentCode: string;
  endpoint: string;
  startedAt: string;
  endedAt: string | null;
  endReason: 'stopped' | 'call-ended' | 'supervisor-left' | 'failed' | null;
  modes: { mode: MonitorMode; from: string; to: string | null }[];
}

const REFRESH_MS = 5000;
/** The time of day of a contract datetime (`YYYY-mm-dd HH:MM:SS`), when it is on `day`. */
const timeOn = (at: string, day: string) => (at.slice(0, 10) === day ? at.slice(11) : at);

export function MonitoringPage() {
  const { t } = useI18n();
  const [sessions, setSessions] = useState<MonitoringRecordView[] | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    const load = () =>
      api<{ sessions: MonitoringRecordView[] }>('/ops/monitoring?limit=200').then(
        (r) => (setSessions(r.sessions), setFailure(null)),
        (error: unknown) => setFailure(errorText(t, error)),
      );
    void load();
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, []);

  return (
    <div class="dashboard" data-testid="monitoring-page">
      <div class="row between">
        <h1>{t('mon.title')}</h1>
        <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
          {t('kiosk.back')}
        </a>
      </div>
      <p>{t('mon.intro')}</p>
      {failure && (
        <p class="error" role="alert" data-testid="monitoring-error">
          {failure}
        </p>
      )}
      <ListTable
        items={sessions}
        empty={t('mon.empty')}
        label={t('mon.title')}
        testid="monitoring-log"
        headings={[t('mon.supervisor'), t('mon.call'), t('sup.agent'), t('mon.started'), t('mon.modes'), t('mon.ended')]}
        row={(s) => (
          <tr data-testid="monitoring-session" data-id={s.id} data-call={s.callId} data-end={s.endReason ?? ''}>
            <td>
              {s.supervisor}
              <span class="sub muted">{s.endpoint}</span>
            </td>
            <td>
              <span class="nowrap">{s.callId}</span>
              <span class="sub muted">{s.campaignId > 0 ? `#${s.campaignId}` : t('sup.manualCall')}</span>
            </td>
            <td>{s.agentCode}</td>
            <td class="nowrap">{s.startedAt}</td>
            <td>
              <ul class="plain" data-testid="monitoring-modes">
                {s.modes.map((m) => (
                  <li data-mode={m.mode}>
                    {t(`mon.${m.mode}`)}{' '}
                    <span class="muted nowrap">
                      {timeOn(m.from, s.startedAt.slice(0, 10))}–{m.to ? timeOn(m.to, s.startedAt.slice(0, 10)) : '…'}
                    </span>
                  </li>
                ))}
              </ul>
            </td>
            <td>
              {s.endedAt ? (
                <>
                  <span class="nowrap">{s.endedAt}</span>
                  {s.endReason && <span class="sub muted">{t(`mon.end.${s.endReason}`)}</span>}
                </>
              ) : (
                <span class="pill st-talking">{t('mon.inProgress')}</span>
              )}
            </td>
          </tr>
        )}
      />
    </div>
  );
}
