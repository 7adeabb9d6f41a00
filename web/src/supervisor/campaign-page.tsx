// One campaign: its progress and close action, its contacts and its attempts (status, agent,
// durations, the agent's note, and a player on the attempt's signed recording link).
import { CallbacksList } from './callbacks-list.tsx';
import { DispositionSummary, dispositionLabel, useCampaignDispositions, type CampaignDispositions } from './disposition-summary.tsx';
import { ForecastPanel } from './forecast-panel.tsx';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { LiveBadge } from '../agent/agent-desktop.tsx';
import { api, ApiError } from '../api.ts';
import { duration, percent, secondsBetween, shortDatetime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useLiveEvents, useThrottled, type LiveEvent } from '../live.ts';
import { navigate } from '../router.ts';
import { webLink } from '../safe-link.ts';
import { dialModeText, errorText, fill, groupText, outcomeText, waitReasonText } from '../value-texts.ts';
import { CampaignState, CloseButton, Progress } from './campaigns-table.tsx';
import { CampaignControlPanel } from './campaign-control-panel.tsx';
import type { AttemptView, CampaignView, ContactView } from './types.ts';

const PAGE = 100;
/** A failed load (CCS down, network gone) is retried this often until it works. */
const RETRY_MS = 3000;

export function CampaignPage(props: { id: number; timeZone: string }) {
  const { t } = useI18n();
  const [campaign, setCampaign] = useState<CampaignView | null>(null);
  // Only a 404 means the campaign does not exist; any other failure is retried.
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [tab, setTab] = useState<'contacts' | 'attempts'>('attempts');
  const [offset, setOffset] = useState(0);
  const [contacts, setContacts] = useState<ContactView[]>([]);
  const [attempts, setAttempts] = useState<AttemptView[]>([]);
  // The codes' labels, for the attempts' outcome column and the summary.
  const dispositions = useCampaignDispositions(props.id);

  // Answers can arrive out of order (a tab switched while the last tab's read is under way):
  // only the latest load may change what the page shows.
  const latestLoad = useRef(0);
  const load = useCallback(async () => {
    const seq = ++latestLoad.current;
    const current = () => seq === latestLoad.current;
    try {
      try {
        const view = await api<CampaignView>(`/ops/campaigns/${props.id}`);
        if (!current()) return;
        setCampaign(view);
      } catch (error) {
        if (!current()) return;
        if (error instanceof ApiError && error.status === 404) return setMissing(true);
        throw error;
      }
      if (tab === 'contacts') {
        const page = await api<{ contacts: ContactView[] }>(`/ops/campaigns/${props.id}/contacts?limit=${PAGE}&offset=${offset}`);
        if (!current()) return;
        setContacts(page.contacts);
      } else {
        const page = await api<{ attempts: AttemptView[] }>(`/ops/campaigns/${props.id}/attempts?limit=${PAGE}&offset=${offset}`);
        if (!current()) return;
        setAttempts(page.attempts);
      }
      setMissing(false);
      setFailure(null);
    } catch (error) {
      if (current()) setFailure(errorText(t, error));
    }
  }, [props.id, tab, offset, t]);

  const soon = useThrottled(() => void load().catch(() => undefined), 1000);
  const connected = useLiveEvents((e: LiveEvent) => {
    if (e.campaignId === undefined || e.campaignId === props.id) soon();
  });
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (failure === null) return;
    const timer = window.setTimeout(() => void load(), RETRY_MS);
    return () => window.clearTimeout(timer);
  }, [failure, load]);

  const failed = failure !== null && (
    <div class="notice warn" role="alert" data-testid="load-failed">
      <span>
        {t('ui.loadFailed')} <span class="muted-strong">{failure}</span>
      </span>
      <button type="button" class="small" onClick={() => void load()}>
        {t('ui.retryNow')}
      </button>
    </div>
  );
  if (missing)
    return (
      <div class="centered" data-testid="campaign-missing">
        <h1>{fill(t('ui.campaignMissing'), { id: props.id })}</h1>
        <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
          {t('sup.back')}
        </a>
      </div>
    );
  if (!campaign) return <div class="centered">{failed || <span class="muted">{t('app.loading')}</span>}</div>;
  const c = campaign;
  const rows = tab === 'contacts' ? contacts.length : attempts.length;

  return (
    <div class="dashboard" data-testid="campaign-page">
      <div class="row between">
        <div class="row gap">
          <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
            {t('sup.back')}
          </a>
          <h1 tabIndex={-1} data-testid="page-title">
            {t('sup.campaign')} #{c.campaignid}
          </h1>
          <CampaignState campaign={c} />
        </div>
        <div class="row gap">
          <CloseButton campaign={c} onChanged={soon} focusAfter={() => document.querySelector<HTMLElement>('[data-testid=page-title]')} />
          <LiveBadge connected={connected} />
        </div>
      </div>
      {failed}
      <CampaignControlPanel campaign={c} onChanged={soon} />
      <div class="kpis six">
        <div class="kpi wide">
          <div class="kpi-label">{t('sup.progress')}</div>
          <Progress done={c.counts.contactsFinal} total={c.counts.contactTotal} />
        </div>
        <Fact label={t('sup.answered')} value={String(c.counts.contactsAnswered)} />
        <Fact label={t('sup.attempts')} value={String(c.counts.attempts)} />
        <Fact label={t('sup.abandonRate')} value={percent(c.abandonRate)} />
        <Fact label={t('sup.dialMode')} value={`${dialModeText(t, c.profile)} · ${groupText(t, c.profile.agentGroup)}`} />
        <Fact label={t('sup.window')} value={`${shortDatetime(c.starttime)} → ${shortDatetime(c.endtime)}`} />
      </div>
      <div class="tabs" role="group" aria-label={t('sup.contacts') + ' / ' + t('sup.attemptsTab')}>
        {(['attempts', 'contacts'] as const).map((name) => (
          <button type="button" class={tab === name ? 'active' : ''} aria-pressed={tab === name} onClick={() => (setTab(name), setOffset(0))} data-testid={`tab-${name}`}>
            {name === 'contacts' ? t('sup.contacts') : t('sup.attemptsTab')}
          </button>
        ))}
        <span class="spacer" />
        <button type="button" class="small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          {t('sup.prev')}
        </button>
        <span class="muted">
          {offset + (rows ? 1 : 0)}–{offset + rows}
        </span>
        <button type="button" class="small" disabled={rows < PAGE} onClick={() => setOffset(offset + PAGE)}>
          {t('sup.next')}
        </button>
      </div>
      <section class="card scroll tall">{tab === 'contacts' ? <Contacts contacts={contacts} /> : <Attempts attempts={attempts} dispositions={dispositions} />}</section>
      <ForecastPanel campaignId={props.id} />
      <DispositionSummary data={dispositions} />
      <CallbacksList campaignId={props.id} />
    </div>
  );
}

function Fact(props: { label: string; value: string }) {
  return (
    <div class="kpi">
      <div class="kpi-label">{props.label}</div>
      <div class="kpi-value small">{props.value}</div>
    </div>
  );
}

function Contacts(props: { contacts: ContactView[] }) {
  const { t } = useI18n();
  return (
    <table class="table compact" data-testid="contacts-table">
      <thead>
        <tr>
          <th>{t('sup.contactId')}</th>
          <th>{t('sup.phone')}</th>
          <th>{t('sup.state')}</th>
          <th>{t('sup.lastStatus')}</th>
          <th class="num">{t('sup.attempts')}</th>
          <th>{t('sup.nextAttempt')}</th>
          <th>CRM</th>
        </tr>
      </thead>
      <tbody>
        {props.contacts.map((c) => (
          <tr>
            <td>{c.contactId}</td>
            <td>{c.phonenumber}</td>
            <td>
              <span class={`pill ct-${c.state}`}>{t(`contactState.${c.state}`)}</span>
              {c.outcome && <span class="muted"> {outcomeText(t, c.outcome)}</span>}
            </td>
            <td>{c.lastStatus ? <StatusPill status={c.lastStatus} /> : '–'}</td>
            <td class="num">{c.attempts}</td>
            <td>
              {shortDatetime(c.nextAttemptAt)}
              {c.waitReason && (
                <span class="muted" title={c.waitReason}>
                  {' '}
                  · {waitReasonText(t, c.waitReason)}
                </span>
              )}
            </td>
            <td>
              {webLink(c.linkedit) ? (
                <a href={webLink(c.linkedit)!} target="_blank" rel="noopener noreferrer" aria-label={`${t('desk.crmOpenTab')} · #${c.contactId}`}>
                  ↗
                </a>
              ) : (
                c.linkedit && (
                  <span class="muted" title={`${t('desk.crmUnsafe')} ${c.linkedit}`} aria-label={t('desk.crmUnsafe')}>
                    ⚠
                  </span>
                )
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatusPill(props: { status: string }) {
  const { t } = useI18n();
  return <span class={`pill status-${props.status.replace(' ', '-')}`}>{t(`status.${props.status}`, props.status)}</span>;
}

function Attempts(props: { attempts: AttemptView[]; dispositions: CampaignDispositions | null }) {
  const { t, lang } = useI18n();
  return (
    <table class="table compact" data-testid="attempts-table">
      <thead>
        <tr>
          <th>{t('sup.contactId')}</th>
          <th>{t('sup.attemptNo')}</th>
          <th>{t('sup.number')}</th>
          <th>{t('sup.status')}</th>
          <th>{t('sup.agent')}</th>
          <th>{t('sup.start')}</th>
          <th class="num">{t('sup.duration')}</th>
          <th class="num">{t('sup.talk')}</th>
          <th>{t('sup.recording')}</th>
          <th>{t('sup.note')}</th>
          <th>{t('disp.column')}</th>
        </tr>
      </thead>
      <tbody>
        {props.attempts.map((a) => (
          <tr data-testid={`attempt-${a.callid}`}>
            <td>{a.contactId}</td>
            <td>{a.attemptNo}</td>
            <td>{a.number}</td>
            <td>{a.status ? <StatusPill status={a.status} /> : <span class="pill">{t(`state.${a.state}`, a.state)}</span>}</td>
            <td>{a.agentcode ?? '–'}</td>
            <td class="nowrap">{shortDatetime(a.starttime)}</td>
            <td class="num">{duration(a.duration)}</td>
            <td class="num">{duration(secondsBetween(a.connectedAt, a.endtime))}</td>
            <td>
              {a.recordingDeletedAt ? (
                <span class="muted" data-testid="recording-deleted">{fill(t('recs.deletedOn'), { date: shortDatetime(a.recordingDeletedAt) })}</span>
              ) : a.recording ? (
                <audio controls preload="none" src={a.recording} aria-label={`${t('sup.recording')} ${a.callid}`} data-testid="recording" />
              ) : (
                '–'
              )}
            </td>
            <td class="note-cell" data-testid="attempt-note">
              {a.note ?? ''}
            </td>
            <td data-testid="attempt-disposition" data-code={a.disposition ?? ''}>
              {a.disposition ? dispositionLabel(props.dispositions, a.disposition, lang) : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
