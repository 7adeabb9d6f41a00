// Historical reports: a date range, a grouping and filters, the table of figures, and the same
// report exported as CSV or XLSX (links to /ops/reports.csv|.xlsx with the same query).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { duration, percent } from '../format.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';

interface Figures {
  attempts: number;
  reached: number;
  talkSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
  occupancy: number | null;
  abandonRate: number | null;
  dispositions: Record<string, number>;
  codes: Record<string, number>;
}
interface ReportRow extends Figures {
  campaignId?: number;
  agentCode?: string | null;
  day?: string;
  hour?: string;
}
interface Report {
  from: string;
  to: string;
  by: string[];
  rows: ReportRow[];
  total: Figures;
}

const GROUPINGS = ['campaign', 'agent', 'day', 'hour', 'campaign,agent', 'campaign,day', 'agent,day', 'agent,hour'];
const DISPOSITIONS = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED'];

/** Today as YYYY-MM-DD in the service's zone (the sv-SE locale writes dates that way). */
const today = (timeZone: string) => new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

interface Filters {
  from: string;
  to: string;
  by: string;
  campaign: string;
  agent: string;
}

function queryOf(f: Filters): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, by: f.by });
  if (f.campaign.trim()) q.set('campaign', f.campaign.replace(/\s+/g, ''));
  if (f.agent.trim()) q.set('agent', f.agent.replace(/\s+/g, ''));
  return q.toString();
}

export function ReportsPage(props: { timeZone: string }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<Filters>(() => ({ from: today(props.timeZone), to: today(props.timeZone), by: 'campaign', campaign: '', agent: '' }));
  const [shown, setShown] = useState<Filters>(filters);
  const [report, setReport] = useState<Report | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (f: Filters) => {
    setBusy(true);
    try {
      setReport(await api<Report>(`/ops/reports?${queryOf(f)}`));
      setShown(f);
      setFailure(null);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => void load(filters), []);

  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const keyCell = (r: ReportRow, d: string) =>
    d === 'campaign' ? (
      <a href={`/supervisor/campaigns/${r.campaignId}`} onClick={(e) => (e.preventDefault(), navigate(`/supervisor/campaigns/${r.campaignId}`))}>
        {r.campaignId}
      </a>
    ) : d === 'agent' ? (
      (r.agentCode ?? t('rep.noAgent'))
    ) : d === 'day' ? (
      r.day
    ) : (
      r.hour
    );
  const figures = (f: Figures) => (
    <>
      <td class="num">{f.attempts}</td>
      <td class="num">{f.reached}</td>
      <td class="num">{duration(f.talkSeconds)}</td>
      <td class="num">{duration(f.holdSeconds)}</td>
      <td class="num">{duration(f.wrapUpSeconds)}</td>
      <td class="num">{percent(f.occupancy)}</td>
      <td class="num">{percent(f.abandonRate)}</td>
      {DISPOSITIONS.map((d) => (
        <td class="num">{f.dispositions[d] ?? 0}</td>
      ))}
      <td data-testid="rep-codes">
        {Object.entries(f.codes ?? {})
          .map(([code, n]) => `${code}: ${n}`)
          .join(', ') || '–'}
      </td>
    </>
  );
  const query = queryOf(shown);

  return (
    <div class="reports" data-testid="reports-page">
      <div class="row between">
        <h1>{t('rep.title')}</h1>
        <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
          {t('rep.back')}
        </a>
      </div>
      <form
        class="row gap wrap reports-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load(filters);
        }}
      >
        <label>
          {t('rep.from')} <input type="date" value={filters.from} onInput={set('from')} data-testid="rep-from" required />
        </label>
        <label>
          {t('rep.to')} <input type="date" value={filters.to} onInput={set('to')} data-testid="rep-to" required />
        </label>
        <label>
          {t('rep.by')}{' '}
          <select value={filters.by} onChange={set('by')} data-testid="rep-by">
            {GROUPINGS.map((g) => (
              <option value={g}>{g.split(',').map((d) => t(`rep.by.${d}`)).join(' × ')}</option>
            ))}
          </select>
        </label>
        <label>
          {t('rep.campaigns')} <input value={filters.campaign} onInput={set('campaign')} placeholder="1, 2" size={10} data-testid="rep-campaign" />
        </label>
        <label>
          {t('rep.agents')} <input value={filters.agent} onInput={set('agent')} placeholder="A01, A02" size={12} data-testid="rep-agent" />
        </label>
        <button type="submit" class="primary" disabled={busy} data-testid="rep-show">
          {t('rep.show')}
        </button>
        <a class="export" href={`/ops/reports.csv?${query}`} download data-testid="rep-export-csv">
          {t('rep.exportCsv')}
        </a>
        <a class="export" href={`/ops/reports.xlsx?${query}`} download data-testid="rep-export-xlsx">
          {t('rep.exportXlsx')}
        </a>
      </form>
      {failure !== null && (
        <div class="error" role="alert" data-testid="rep-failed">
          {failure}
        </div>
      )}
      {report && (
        <div class="card reports-table">
          <table class="table" data-testid="rep-table">
            <caption class="muted">
              {t('rep.period')} {report.from === report.to ? report.from : `${report.from} – ${report.to}`} · {t('rep.timeNote')}
            </caption>
            <thead>
              <tr>
                {report.by.map((d) => (
                  <th scope="col">{t(`rep.by.${d}`)}</th>
                ))}
                <th scope="col">{t('rep.attempts')}</th>
                <th scope="col">{t('rep.reached')}</th>
                <th scope="col">{t('rep.talk')}</th>
                <th scope="col" title={t('rep.notRecorded')}>{t('rep.hold')}</th>
                <th scope="col">{t('rep.wrapUp')}</th>
                <th scope="col" title={t('rep.occupancyHelp')}>{t('rep.occupancy')}</th>
                <th scope="col">{t('rep.abandonRate')}</th>
                {DISPOSITIONS.map((d) => (
                  <th scope="col">{t(`status.${d}`, d)}</th>
                ))}
                <th scope="col">{t('rep.codes')}</th>
              </tr>
            </thead>
            <tbody>
              {report.rows.length === 0 && (
                <tr>
                  <td colSpan={report.by.length + 8 + DISPOSITIONS.length} class="muted" data-testid="rep-empty">
                    {t('rep.empty')}
                  </td>
                </tr>
              )}
              {report.rows.map((r) => (
                <tr data-testid="rep-row">
                  {report.by.map((d) => (
                    <td>{keyCell(r, d)}</td>
                  ))}
                  {figures(r)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="rep-total">
                <th scope="row" colSpan={report.by.length}>
                  {t('rep.total')}
                </th>
                {figures(report.total)}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </div>
  );
}
