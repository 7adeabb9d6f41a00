// Live calls and agents by state, with time in state ticking between refreshes, and frozen
// (greyed) while CCS does not answer: the figures are then the last ones fetched, not live.
import { duration } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { useTick } from '../live.ts';
import type { AgentView, LiveCallView } from './types.ts';
import { AgentGroupSelect } from './agent-group-select.tsx';
import { PhonePanel } from '../agent/phone/phone-panel.tsx';
import { MonitorButtons, MonitorMessage, useMonitoring } from './monitor-controls.tsx';

const AGENT_ORDER = ['talking', 'reserved', 'previewing', 'wrap-up', 'ready', 'paused', 'offline'];

/** The state a supervisor reads: an agent reserved for a preview offer is previewing, not connecting a call. */
export const shownState = (a: AgentView) => (a.preview ? 'previewing' : a.state);

/**
 * Seconds to add to the times fetched at `loadedAt`: counted on the screen's clock, and no longer
 * once the figures went stale (`frozenAt`), so a stale time stops where it was.
 */
function useSecondsSince(loadedAt: number, frozenAt: number | null): number {
  const now = useTick(1000);
  return Math.max(0, ((frozenAt ?? now) - loadedAt) / 1000);
}

export function LiveCallsPanel(props: { calls: LiveCallView[]; loadedAt: number; frozenAt: number | null }) {
  const { t } = useI18n();
  const monitoring = useMonitoring();
  const extra = useSecondsSince(props.loadedAt, props.frozenAt);
  const stale = props.frozenAt !== null;
  return (
    <section class="card scroll" data-testid="live-calls">
      <h3>
        {t('sup.liveCalls')} <span class="count">{props.calls.length}</span>
      </h3>
      <MonitorMessage monitoring={monitoring} />
      {/* The supervisor's phone in the browser (CCS_WEBRTC_PHONE=browser): monitoring rings it and it answers by itself. */}
      <PhonePanel base="/ui/supervisor/phone" callId={monitoring.mine?.callId ?? null} hint={t('phone.supervisorHint')} onAvailability={monitoring.phoneAvailability} />
      {props.calls.length === 0 ? (
        <p class="muted">{t('sup.noLiveCalls')}</p>
      ) : (
        <table class="table compact">
          <thead>
            <tr>
              <th>{t('sup.number')}</th>
              <th>{t('sup.state')}</th>
              <th>{t('sup.agent')}</th>
              <th class="num">{t('sup.since')}</th>
              <th>{t('mon.column')}</th>
            </tr>
          </thead>
          <tbody>
            {props.calls.map((c) => (
              <tr>
                <td>
                  <span class="nowrap">{c.phonenumber}</span> <span class="muted nowrap">{c.campaignid > 0 ? `#${c.campaignid}` : t('sup.manualCall')}</span>
                </td>
                <td>
                  <span class={`pill st-${c.state}`}>{t(`state.${c.state}`, c.state)}</span>
                </td>
                <td>{c.agentcode ?? '–'}</td>
                <td class={`num ${stale ? 'muted' : ''}`} data-testid="call-time" data-stale={stale}>
                  {duration(c.seconds + extra)}
                </td>
                <td>
                  <MonitorButtons call={c} monitoring={monitoring} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AgentsPanel(props: { agents: AgentView[]; loadedAt: number; frozenAt: number | null }) {
  const { t } = useI18n();
  const extra = useSecondsSince(props.loadedAt, props.frozenAt);
  const stale = props.frozenAt !== null;
  const agents = [...props.agents].sort((a, b) => AGENT_ORDER.indexOf(shownState(a)) - AGENT_ORDER.indexOf(shownState(b)) || a.agentcode.localeCompare(b.agentcode));
  const counts = AGENT_ORDER.map((s) => [s, agents.filter((a) => shownState(a) === s).length] as const).filter(([, n]) => n > 0);
  return (
    <section class="card scroll" data-testid="agents">
      <h3>
        {t('sup.agents')} <span class="count">{agents.length}</span>
      </h3>
      <div class="row gap wrap">
        {counts.map(([s, n]) => (
          <span class={`pill st-${s}`}>
            {t(`state.${s}`)}: {n}
          </span>
        ))}
      </div>
      {agents.length === 0 ? (
        <p class="muted">{t('sup.noAgents')}</p>
      ) : (
        <table class="table compact">
          <thead>
            <tr>
              <th>{t('sup.agent')}</th>
              <th>{t('sup.state')}</th>
              <th class="num">{t('sup.since')}</th>
              <th class="num">{t('sup.callsTaken')}</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr data-testid={`agent-row-${a.agentcode}`} data-state={a.state}>
                <td>
                  <span class="nowrap">{a.agentcode}</span>
                  <span class="sub muted">
                    {t('sup.station')} {a.station_id}
                  </span>
                  <span class="sub">
                    <AgentGroupSelect agentCode={a.agentcode} group={a.group} />
                  </span>
                </td>
                <td>
                  {a.preview ? (
                    <span class="pill st-previewing" data-testid="agent-previewing">
                      {t('state.previewing')} <span class="muted">#{a.preview.campaignid}</span>
                    </span>
                  ) : (
                    <span class={`pill st-${a.state}`}>{t(`state.${a.state}`, a.state)}</span>
                  )}
                  {a.pauseReason && <span class="sub muted">{t(`pause.${a.pauseReason}`, t('pause.other'))}</span>}
                </td>
                <td class={`num ${stale ? 'muted' : ''}`} data-testid="agent-time" data-stale={stale}>
                  {duration(a.secondsInState + extra)}
                </td>
                <td class="num">{a.callsTaken}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
