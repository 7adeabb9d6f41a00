// Live monitoring on the live calls panel: Listen / Whisper / Barge / Stop per connected call.
// The server's session (/ops/monitoring/mine) is the only truth: the buttons send intents and
// show its state (the mode in force, "switching…" while a change is made); a refusal is said in
// words. The audio goes to the supervisor's phone (the account's monitorEndpoint, else the
// supervisor's phone in the browser, shown on this panel). An account with neither (no phone
// station for the browser phone) cannot monitor: the controls say a phone is needed.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { useI18n, type Translate } from '../i18n.ts';
import { errorText, fill } from '../value-texts.ts';
import type { LiveCallView } from './types.ts';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export interface MonitoringSessionView {
  id: number;
  supervisor: string;
  callId: string;
  campaignId: number;
  agentCode: string;
  endpoint: string;
  state: 'switching' | 'listening' | 'whispering' | 'barging' | 'ended';
  mode: MonitorMode | null;
  target: MonitorMode | null;
}

export interface Monitoring {
  mine: MonitoringSessionView | null;
  /** Sessions of every supervisor (to show who monitors a call). */
  active: MonitoringSessionView[];
  busy: boolean;
  message: string | null;
  /** The supervisor's phone in the browser, as its panel reports it ('no-station': the account has no phone to monitor with). */
  phone: SupervisorPhoneAvailability;
  phoneAvailability(availability: SupervisorPhoneAvailability): void;
  start(callId: string, mode: MonitorMode): void;
  stop(): void;
}

export type SupervisorPhoneAvailability = 'off' | 'loading' | 'on' | 'no-station';

const MODES: MonitorMode[] = ['listen', 'whisper', 'barge'];
const POLL_MS = 1500;

function refusalText(t: Translate, error: unknown): string {
  if (error instanceof ApiError && error.status !== 401 && error.status !== 404 && error.status < 500) return fill(t('mon.refused'), { reason: t(`mon.error.${error.code}`, error.message) });
  if (error instanceof ApiError && error.code === 'not-monitoring') return fill(t('mon.refused'), { reason: t('mon.error.not-monitoring') });
  if (error instanceof ApiError && (error.code === 'telephony' || error.code === 'audit')) return fill(t('mon.refused'), { reason: t(`mon.error.${error.code}`) });
  return errorText(t, error);
}

/** The signed-in supervisor's monitoring session, polled, with the intents. */
export function useMonitoring(): Monitoring {
  const { t } = useI18n();
  const [mine, setMine] = useState<MonitoringSessionView | null>(null);
  const [active, setActive] = useState<MonitoringSessionView[]>([]);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [phone, phoneAvailability] = useState<SupervisorPhoneAvailability>('loading');
  const last = useRef<MonitoringSessionView | null>(null);
  /** Bumped by every intent: a poll that began before it may answer with the state before it, and is dropped. */
  const epoch = useRef(0);

  const load = useCallback(async () => {
    const began = epoch.current;
    const [m, all] = await Promise.all([api<{ session: MonitoringSessionView | null }>('/ops/monitoring/mine'), api<{ active: MonitoringSessionView[] }>('/ops/monitoring?limit=1')]);
    if (began !== epoch.current) return;
    // A session that ended by itself (the call ended, the phone hung up) is said once, with why.
    const ended = last.current && !m.session ? last.current : null;
    last.current = m.session;
    if (ended) {
      const log = await api<{ sessions: { id: number; endReason: string | null }[] }>(`/ops/monitoring?supervisor=${encodeURIComponent(ended.supervisor)}&limit=1`).catch(() => null);
      const reason = log?.sessions.find((s) => s.id === ended.id)?.endReason ?? null;
      const text = reason === 'call-ended' || reason === null ? t('mon.ended.call-ended') : fill(t('mon.ended.other'), { reason: t(`mon.end.${reason}`) });
      setMessage((current) => current ?? text);
    }
    setMine(m.session);
    setActive(all.active);
  }, [t]);

  useEffect(() => {
    void load().catch(() => undefined);
    const timer = window.setInterval(() => void load().catch(() => undefined), POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  const send = async (request: () => Promise<{ session: MonitoringSessionView }>) => {
    epoch.current++;
    setBusy(true);
    setMessage(null);
    try {
      const { session } = await request();
      epoch.current++;
      const live = session.state === 'ended' ? null : session;
      last.current = live;
      setMine(live);
    } catch (error) {
      setMessage(refusalText(t, error));
    } finally {
      setBusy(false);
      void load().catch(() => undefined);
    }
  };

  return {
    mine,
    active,
    busy,
    message,
    phone,
    phoneAvailability,
    start: (callId, mode) =>
      void send(() =>
        mine && mine.callId === callId
          ? api('/ops/monitoring/mine/mode', { method: 'POST', body: { mode } })
          : api('/ops/monitoring', { method: 'POST', body: { callId, mode } }),
      ),
    stop: () => void send(() => api('/ops/monitoring/mine/stop', { method: 'POST' })),
  };
}

/** The monitoring cell of one live call. */
export function MonitorButtons(props: { call: LiveCallView; monitoring: Monitoring }) {
  const { t } = useI18n();
  const { call, monitoring } = props;
  const mine = monitoring.mine && monitoring.mine.callId === call.callid ? monitoring.mine : null;
  const other = !mine ? monitoring.active.find((s) => s.callId === call.callid && s.state !== 'ended') : undefined;
  if (call.state !== 'connected' && !mine) return <span class="muted">–</span>;
  if (other) return <span class="muted" data-testid={`monitored-by-${call.callid}`}>{fill(t('mon.byOther'), { supervisor: other.supervisor })}</span>;
  const noPhone = monitoring.phone === 'no-station';
  return (
    <div role="group" aria-label={t('mon.column')} data-testid={`monitor-${call.callid}`}>
      {mine && (
        <span class={`pill ${mine.state === 'switching' ? 'st-reserved' : 'st-talking'}`} data-testid="monitor-state" data-state={mine.state} title={fill(t('mon.phoneHint'), { endpoint: mine.endpoint })}>
          {t(`mon.state.${mine.state}`)}
        </span>
      )}
      <div class="monitor-buttons">
        {MODES.map((mode) => (
          <button
            type="button"
            class={`small ${mine?.mode === mode ? 'primary' : ''}`}
            aria-pressed={mine?.mode === mode}
            title={noPhone ? t('mon.phoneNeeded') : t(`mon.${mode}Help`)}
            disabled={noPhone || monitoring.busy || mine?.state === 'switching'}
            data-testid={`monitor-${mode}`}
            onClick={() => (mine?.mode === mode ? undefined : monitoring.start(call.callid, mode))}
          >
            {t(`mon.${mode}`)}
          </button>
        ))}
        {mine && (
          <button type="button" class="small" disabled={monitoring.busy} data-testid="monitor-stop" onClick={() => monitoring.stop()}>
            {t('mon.stop')}
          </button>
        )}
      </div>
    </div>
  );
}

/** What went wrong last (or that the monitored call ended), under the live calls. */
export function MonitorMessage(props: { monitoring: Monitoring }) {
  const { t } = useI18n();
  const { mine, message, phone } = props.monitoring;
  return (
    <>
      {phone === 'no-station' && (
        <p class="notice warn" data-testid="monitor-phone-needed">
          {t('mon.phoneNeeded')}
        </p>
      )}
      {message && (
        <p class="error" role="alert" data-testid="monitor-message">
          {message}
        </p>
      )}
      {mine && (
        <p class="muted" data-testid="monitor-phone">
          {fill(t('mon.phoneHint'), { endpoint: mine.endpoint })}
        </p>
      )}
    </>
  );
}
