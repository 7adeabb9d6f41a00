// The supervisor dashboard: floor totals, campaigns with progress, live calls, agents, charts
// and CRM callback health, all refreshed from live events (throttled) without reloads.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { LiveBadge } from '../agent/agent-desktop.tsx';
import { api } from '../api.ts';
import { percent } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useLiveStream, useThrottled, type LiveEvent } from '../live.ts';
import { navigate } from '../router.ts';
import { errorText } from '../value-texts.ts';
import { answerRate } from './answer-rate.ts';
import { CampaignsTable } from './campaigns-table.tsx';
import { CallCharts } from './charts.tsx';
import { CrmHealth } from './crm-health.tsx';
import { AgentsPanel, LiveCallsPanel, shownState } from './floor-panels.tsx';
import { CallbacksList } from './callbacks-list.tsx';
import { StaleBanner } from './stale-banner.tsx';
import type { AgentView, CallbackView, CampaignView, LiveCallView, MinuteCounts, OutboxStats } from './types.ts';

export interface FloorData {
  campaigns: CampaignView[];
  calls: LiveCallView[];
  agents: AgentView[];
  loadedAt: number;
}

export interface CrmData {
  stats: OutboxStats;
  dead: CallbackView[];
  failing: CallbackView[];
}

export function Dashboard(props: { timeZone: string }) {
  const { t } = useI18n();
  const [floor, setFloor] = useState<FloorData | null>(null);
  const [crm, setCrm] = useState<CrmData | null>(null);
  const [rates, setRates] = useState<MinuteCounts[]>([]);
  const [telephonyDown, setTelephonyDown] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const loadFloor = useCallback(async () => {
    const [c, l, a] = await Promise.all([
      api<{ campaigns: CampaignView[] }>('/ops/campaigns?limit=50'),
      api<{ calls: LiveCallView[] }>('/ops/calls/live'),
      api<{ agents: AgentView[] }>('/ops/agents'),
    ]);
    setFloor({ campaigns: c.campaigns, calls: l.calls, agents: a.agents, loadedAt: Date.now() });
  }, []);
  // A failed refresh says so (in words) and the 5 s poll below retries it.
  const loadFloorReporting = useCallback(
    () =>
      loadFloor().then(
        () => setFailure(null),
        (error: unknown) => setFailure(errorText(t, error)),
      ),
    [t],
  );
  const loadCrm = useCallback(async () => {
    const [stats, dead, pending] = await Promise.all([
      api<OutboxStats>('/ops/outbox/stats'),
      api<{ callbacks: CallbackView[] }>('/ops/outbox?state=dead&limit=20'),
      api<{ callbacks: CallbackView[] }>('/ops/outbox?state=pending&limit=200'),
    ]);
    setCrm({ stats, dead: dead.callbacks, failing: pending.callbacks.filter((c) => c.lastError !== null) });
  }, []);
  const loadRates = useCallback(async () => {
    setRates((await api<{ minutes: MinuteCounts[] }>('/ui/supervisor/call-rates')).minutes);
  }, []);

  const floorSoon = useThrottled(() => void loadFloorReporting(), 700);
  const crmSoon = useThrottled(() => void loadCrm().catch(() => undefined), 2000);
  const ratesSoon = useThrottled(() => void loadRates().catch(() => undefined), 3000);

  // `lost`: CCS does not answer at all (not only the live stream): the figures are stale.
  const { connected, lost } = useLiveStream((event: LiveEvent) => {
    if (event.type === 'driver:state') setTelephonyDown(event.state === 'down');
    if (event.type === 'callback:queued') crmSoon();
    if (event.type === 'call:ended') ratesSoon();
    if (event.type !== 'callback:queued') floorSoon();
  });

  useEffect(() => {
    void loadFloorReporting();
    void loadCrm();
    void loadRates();
    // Deliveries and time-in-state move without engine events: a slow poll covers them.
    const id = window.setInterval(() => {
      crmSoon();
      floorSoon();
    }, 5000);
    const slow = window.setInterval(ratesSoon, 30_000);
    return () => (window.clearInterval(id), window.clearInterval(slow));
  }, []);
  useEffect(() => {
    if (connected) floorSoon();
  }, [connected]);
  // While CCS does not answer, times in state stop where they are (the banner says the figures are stale).
  const [frozenAt, setFrozenAt] = useState<number | null>(null);
  useEffect(() => setFrozenAt(lost ? Date.now() : null), [lost]);

  const failed = failure !== null && (
    <div class="notice warn" role="alert" data-testid="load-failed">
      <span>
        {t('ui.loadFailed')} <span class="muted-strong">{failure}</span>
      </span>
    </div>
  );
  if (!floor) return <div class="centered">{failed || <span class="muted">{t('app.loading')}</span>}</div>;
  const online = floor.agents.filter((a) => a.state !== 'offline');
  const count = (s: string) => online.filter((a) => shownState(a) === s).length;
  const active = floor.campaigns.filter((c) => c.state === 'running' || c.state === 'stopping');
  const answered = active.reduce((n, c) => n + (c.counts.attemptsByStatus.ANSWERED ?? 0), 0);
  const abandoned = active.reduce((n, c) => n + (c.counts.attemptsByStatus.ABANDONED ?? 0), 0);
  const rate = answerRate(active, floor.calls);

  return (
    <div class="dashboard" data-testid="supervisor-dashboard">
      <div class="row between">
        <h1>{t('sup.title')}</h1>
        <div class="row gap">
          <a href="/supervisor/reports" onClick={(e) => (e.preventDefault(), navigate('/supervisor/reports'))} data-testid="open-reports">
            {t('rep.open')}
          </a>
          <a href="/supervisor/recordings" onClick={(e) => (e.preventDefault(), navigate('/supervisor/recordings'))} data-testid="open-recordings">
            {t('recs.open')}
          </a>
          <a href="/supervisor/wallboard" onClick={(e) => (e.preventDefault(), navigate('/supervisor/wallboard'))} data-testid="open-wallboard-links">
            {t('kiosk.open')}
          </a>
          <a href="/supervisor/monitoring" onClick={(e) => (e.preventDefault(), navigate('/supervisor/monitoring'))} data-testid="open-monitoring">
            {t('mon.open')}
          </a>
          <a href="/supervisor/dispositions" onClick={(e) => (e.preventDefault(), navigate('/supervisor/dispositions'))} data-testid="open-dispositions">
            {t('dset.open')}
          </a>
          {telephonyDown && <span class="pill bad">{t('sup.telephonyDown')}</span>}
          <LiveBadge connected={connected} />
        </div>
      </div>
      {lost ? <StaleBanner since={floor.loadedAt} timeZone={props.timeZone} /> : failed}
      <div class="kpis">
        <Kpi label={t('sup.liveCalls')} value={String(floor.calls.length)} testid="kpi-live-calls" />
        <Kpi
          label={t('sup.agents')}
          value={String(online.length)}
          detail={`${count('ready')} ${t('sup.agentsReady')} · ${count('talking') + count('reserved')} ${t('sup.agentsTalking')}${count('previewing') ? ` · ${count('previewing')} ${t('sup.agentsPreviewing')}` : ''} · ${count('wrap-up')} ${t('sup.agentsWrap')} · ${count('paused')} ${t('sup.agentsPaused')}`}
          testid="kpi-agents"
        />
        <Kpi label={t('sup.answerRate')} value={percent(rate.rate)} title={t('sup.answerRateHelp')} testid="kpi-answer-rate" />
        <Kpi label={t('sup.abandonRate')} value={answered + abandoned ? percent(abandoned / (answered + abandoned)) : '–'} warn={answered + abandoned > 0 && abandoned / (answered + abandoned) > 0.03} testid="kpi-abandon" />
        <Kpi label={t('sup.crmBacklog')} value={crm ? String(crm.stats.pending) : '–'} warn={(crm?.stats.dead ?? 0) > 0} detail={crm && crm.stats.dead > 0 ? `${crm.stats.dead} ${t('sup.dead').toLowerCase()}` : undefined} testid="kpi-crm" />
      </div>
      <CampaignsTable campaigns={floor.campaigns} onChanged={floorSoon} />
      <div class="grid3">
        <LiveCallsPanel calls={floor.calls} loadedAt={floor.loadedAt} frozenAt={frozenAt} />
        <AgentsPanel agents={floor.agents} loadedAt={floor.loadedAt} frozenAt={frozenAt} />
        <CallCharts minutes={rates} timeZone={props.timeZone} />
        {crm && <CrmHealth data={crm} onReplayed={() => void loadCrm()} />}
      </div>
      <CallbacksList />
    </div>
  );
}

function Kpi(props: { label: string; value: string; detail?: string | undefined; warn?: boolean; title?: string; testid: string }) {
  return (
    <div class={`kpi ${props.warn ? 'warn' : ''}`} title={props.title} data-testid={props.testid}>
      <div class="kpi-label">{props.label}</div>
      <div class="kpi-value">{props.value}</div>
      {props.detail && (
        <div class="kpi-detail" title={props.detail}>
          {props.detail}
        </div>
      )}
    </div>
  );
}
