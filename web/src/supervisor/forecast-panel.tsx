// A campaign's forecast: expected finish time (or the share left at its endtime), contacts
// reached and abandon rate, from a run of the engine in virtual time; "what if N agents" asks
// again with another head count. See docs/web-ui.md (Forecast).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { percent, shortDatetime } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { errorText, fill } from '../value-texts.ts';

interface ForecastView {
  agents: number;
  agentsFrom: 'floor' | 'what-if';
  finishAt: string | null;
  endtime: string;
  leftAtEnd: number;
  contactTotal: number;
  contactsRemaining: number;
  contactsReached: number;
  abandonRate: number;
  lowConfidence: boolean;
  complete: boolean;
  state: string;
  assumptions: { calls: number; answerRate: number; talkMeanSeconds: number; wrapUpSeconds: number };
}

const MAX_AGENTS = 500;

export function ForecastPanel(props: { campaignId: number }) {
  const { t } = useI18n();
  const [agents, setAgents] = useState('');
  const [asked, setAsked] = useState<number | null>(null);
  const [data, setData] = useState<ForecastView | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setBusy(true);
    api<ForecastView>(`/ops/campaigns/${props.campaignId}/forecast${asked === null ? '' : `?agents=${asked}`}`)
      .then((d) => {
        if (!live) return;
        setData(d);
        setFailure(null);
        if (asked === null) setAgents(String(d.agents));
      })
      .catch((error) => live && setFailure(errorText(t, error)))
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [props.campaignId, asked, t]);

  const n = Number(agents);
  const valid = /^\d+$/.test(agents) && n >= 1 && n <= MAX_AGENTS;
  const finished = data?.state === 'finished';

  return (
    <section class="card stack" data-testid="forecast-panel" aria-busy={busy}>
      <h3>{t('fc.title')}</h3>
      {failure && (
        <p class="notice warn" role="alert">
          {failure}
        </p>
      )}
      {data && (
        <>
          <div class="kpis small">
            <div class="kpi">
              <div class="kpi-label">{t('fc.finish')}</div>
              <div class="kpi-value small" data-testid="forecast-finish">
                {data.finishAt ? shortDatetime(data.finishAt) : fill(t('fc.notBeforeEnd'), { end: shortDatetime(data.endtime), left: percent(data.leftAtEnd, 0) })}
              </div>
            </div>
            <div class="kpi">
              <div class="kpi-label">{t('fc.reached')}</div>
              <div class="kpi-value small" data-testid="forecast-reached">
                {data.contactsReached} / {data.contactTotal}
              </div>
            </div>
            <div class="kpi">
              <div class="kpi-label">{t('fc.abandon')}</div>
              <div class="kpi-value small" data-testid="forecast-abandon">
                {percent(data.abandonRate)}
              </div>
            </div>
            <div class="kpi">
              <div class="kpi-label">{t('fc.agents')}</div>
              <div class="kpi-value small" data-testid="forecast-agents" data-agents={data.agents}>
                {data.agents} {data.agentsFrom === 'floor' ? t('fc.onShift') : t('fc.whatIf')}
              </div>
            </div>
          </div>
          <p class="muted" data-testid="forecast-assumptions">
            {fill(t('fc.assumes'), {
              calls: data.assumptions.calls,
              answer: percent(data.assumptions.answerRate),
              talk: Math.round(data.assumptions.talkMeanSeconds),
              wrap: Math.round(data.assumptions.wrapUpSeconds),
            })}
          </p>
          {data.lowConfidence && !finished && (
            <p class="notice warn" data-testid="forecast-low-confidence">
              {t('fc.lowConfidence')}
            </p>
          )}
          {!data.complete && <p class="notice warn">{t('fc.incomplete')}</p>}
        </>
      )}
      <form
        class="row gap"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) setAsked(n);
        }}
      >
        <label for="forecast-agents-input">{t('fc.whatIfLabel')}</label>
        <input
          id="forecast-agents-input"
          type="number"
          min={1}
          max={MAX_AGENTS}
          step={1}
          value={agents}
          onInput={(e) => setAgents((e.target as HTMLInputElement).value)}
          aria-invalid={agents !== '' && !valid}
          data-testid="forecast-agents-input"
          style="width: 6em"
        />
        <button type="submit" class="small" disabled={!valid || busy || finished} data-testid="forecast-run">
          {t('fc.run')}
        </button>
        {asked !== null && (
          <button type="button" class="small" onClick={() => setAsked(null)} disabled={busy}>
            {t('fc.reset')}
          </button>
        )}
        {busy && <span class="muted">{t('fc.computing')}</span>}
      </form>
    </section>
  );
}
