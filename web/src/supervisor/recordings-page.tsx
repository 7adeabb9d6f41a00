// Recordings: search by campaign, agent, number, date, call status and disposition; play with a
// waveform (peaks computed by the service) that seeks on click; download; legal hold per call
// and per campaign. Playback and download go through /ops/recordings…, which audits them.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { navigate } from '../router.ts';

interface RecordingRow {
  callId: string;
  campaignid: number;
  number: string;
  agentCode: string | null;
  status: string | null;
  disposition: string | null;
  startedAt: string;
  talkSeconds: number | null;
  deleted: boolean;
  heldCall: boolean;
  heldCampaign: boolean;
  audioUrl: string;
  downloadUrl: string;
}
interface Waveform {
  durationSeconds: number | null;
  peaks: number[];
}
interface Filters {
  campaignId: string;
  agent: string;
  number: string;
  from: string;
  to: string;
  status: string;
  disposition: string;
}

const STATUSES = ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'CONGESTION', 'ABANDONED'];
const EMPTY: Filters = { campaignId: '', agent: '', number: '', from: '', to: '', status: '', disposition: '' };

function queryOf(f: Filters): string {
  const q = new URLSearchParams({ limit: '200' });
  for (const [k, v] of Object.entries(f)) if (v.trim()) q.set(k, v.trim());
  return q.toString();
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

export function RecordingsPage() {
  const { t } = useI18n();
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [rows, setRows] = useState<RecordingRow[] | null>(null);
  const [dispositionFilter, setDispositionFilter] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [selected, setSelected] = useState<RecordingRow | null>(null);

  const search = useCallback(async (f: Filters) => {
    try {
      const answer = await api<{ recordings: RecordingRow[]; dispositionFilter: boolean }>(`/ops/recordings?${queryOf(f)}`);
      setRows(answer.recordings);
      setDispositionFilter(answer.dispositionFilter);
      setFailure(null);
      setSelected((s) => (s ? (answer.recordings.find((r) => r.callId === s.callId) ?? s) : s));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  }, []);
  useEffect(() => void search(EMPTY), []);

  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  const replace = (row: RecordingRow) => {
    setRows((list) => list?.map((r) => (r.callId === row.callId ? row : r)) ?? null);
    setSelected((s) => (s?.callId === row.callId ? row : s));
  };
  const toggleHold = async (row: RecordingRow) => {
    try {
      replace(await api<RecordingRow>(`/ops/recordings/${encodeURIComponent(row.callId)}/hold`, { method: 'POST', body: { held: !row.heldCall } }));
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  const toggleCampaignHold = async (row: RecordingRow) => {
    try {
      await api(`/ops/recordings/holds/campaign/${row.campaignid}`, { method: 'POST', body: { held: !row.heldCampaign } });
      await search(filters);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <div class="recordings" data-testid="recordings-page">
      <div class="row between">
        <h1>{t('recs.title')}</h1>
        <a href="/supervisor" onClick={(e) => (e.preventDefault(), navigate('/supervisor'))}>
          {t('rep.back')}
        </a>
      </div>
      <form
        class="row gap wrap reports-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search(filters);
        }}
      >
        <label>
          {t('recs.campaign')} <input value={filters.campaignId} onInput={set('campaignId')} size={6} inputMode="numeric" data-testid="recs-campaign" />
        </label>
        <label>
          {t('recs.agent')} <input value={filters.agent} onInput={set('agent')} size={8} data-testid="recs-agent" />
        </label>
        <label>
          {t('recs.number')} <input value={filters.number} onInput={set('number')} size={12} inputMode="tel" data-testid="recs-number" />
        </label>
        <label>
          {t('rep.from')} <input type="date" value={filters.from} onInput={set('from')} data-testid="recs-from" />
        </label>
        <label>
          {t('rep.to')} <input type="date" value={filters.to} onInput={set('to')} data-testid="recs-to" />
        </label>
        <label>
          {t('recs.status')}{' '}
          <select value={filters.status} onChange={set('status')} data-testid="recs-status">
            <option value="">{t('recs.any')}</option>
            {STATUSES.map((s) => (
              <option value={s}>{t(`status.${s}`, s)}</option>
            ))}
          </select>
        </label>
        {dispositionFilter && (
          <label>
            {t('recs.disposition')} <input value={filters.disposition} onInput={set('disposition')} size={10} data-testid="recs-disposition" />
          </label>
        )}
        <button type="submit" class="primary" data-testid="recs-search">
          {t('recs.search')}
        </button>
      </form>
      {failure !== null && (
        <div class="error" role="alert" data-testid="recs-failed">
          {failure}
        </div>
      )}
      {selected && <Player key={selected.callId} row={selected} onHold={() => void toggleHold(selected)} onCampaignHold={() => void toggleCampaignHold(selected)} />}
      {rows && (
        <div class="card reports-table">
          <table class="table" data-testid="recs-table">
            <thead>
              <tr>
                <th scope="col">{t('recs.started')}</th>
                <th scope="col">{t('recs.campaign')}</th>
                <th scope="col">{t('recs.number')}</th>
                <th scope="col">{t('recs.agent')}</th>
                <th scope="col">{t('recs.status')}</th>
                {dispositionFilter && <th scope="col">{t('recs.disposition')}</th>}
                <th scope="col">{t('recs.talk')}</th>
                <th scope="col">{t('recs.hold')}</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={9} class="muted" data-testid="recs-empty">
                    {t('recs.empty')}
                  </td>
                </tr>
              )}
              {rows.map((r) => (
                <tr data-testid="recs-row" data-call={r.callId} class={selected?.callId === r.callId ? 'selected' : ''}>
                  <td>{r.startedAt}</td>
                  <td>{r.campaignid}</td>
                  <td>{r.number}</td>
                  <td>{r.agentCode ?? '–'}</td>
                  <td>{r.status ? t(`status.${r.status}`, r.status) : '–'}</td>
                  {dispositionFilter && <td>{r.disposition ?? '–'}</td>}
                  <td class="num">{r.talkSeconds === null ? '–' : clock(r.talkSeconds)}</td>
                  <td>{r.heldCall || r.heldCampaign ? <span class="pill warn">{t(r.heldCall ? 'recs.heldCall' : 'recs.heldCampaign')}</span> : ''}</td>
                  <td class="row gap">
                    <button type="button" onClick={() => setSelected(r)} data-testid="recs-play">
                      {t('recs.play')}
                    </button>
                    <a class="export" href={r.downloadUrl} download data-testid="recs-download">
                      {t('recs.download')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** The audio element with a waveform canvas: the played part is drawn darker, a click seeks. */
function Player(props: { row: RecordingRow; onHold(): void; onCampaignHold(): void }) {
  const { t } = useI18n();
  const { row } = props;
  const audio = useRef<HTMLAudioElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wave, setWave] = useState<Waveform | null>(null);
  const [position, setPosition] = useState(0);

  useEffect(() => {
    void api<Waveform>(`/ops/recordings/${encodeURIComponent(row.callId)}/waveform?buckets=300`)
      .then(setWave)
      .catch(() => setWave({ durationSeconds: null, peaks: [] }));
  }, [row.callId]);

  const duration = () => {
    const d = audio.current?.duration;
    return d && Number.isFinite(d) ? d : (wave?.durationSeconds ?? 0);
  };

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || !wave) return;
    const { width, height } = c;
    ctx.clearRect(0, 0, width, height);
    const n = wave.peaks.length;
    const played = duration() > 0 ? position / duration() : 0;
    const bar = width / Math.max(1, n);
    wave.peaks.forEach((p, i) => {
      ctx.fillStyle = i / n < played ? '#1d4ed8' : '#93a3b8';
      const h = Math.max(1, p * (height - 4));
      ctx.fillRect(i * bar, (height - h) / 2, Math.max(1, bar - 0.5), h);
    });
  }, [wave, position]);

  const seek = (e: MouseEvent) => {
    const c = canvas.current;
    const a = audio.current;
    const d = duration();
    if (!c || !a || d <= 0) return;
    const rect = c.getBoundingClientRect();
    a.currentTime = Math.min(d, Math.max(0, ((e.clientX - rect.left) / rect.width) * d));
    setPosition(a.currentTime);
  };

  return (
    <div class="card recording-player" data-testid="recs-player" data-call={row.callId}>
      <div class="row between wrap gap">
        <strong>
          {row.callId} · {row.number} · {row.startedAt}
        </strong>
        <div class="row gap">
          <label class="row gap">
            <input type="checkbox" checked={row.heldCall} onChange={props.onHold} data-testid="recs-hold" /> {t('recs.holdCall')}
          </label>
          <label class="row gap">
            <input type="checkbox" checked={row.heldCampaign} onChange={props.onCampaignHold} data-testid="recs-hold-campaign" /> {t('recs.holdCampaign')}
          </label>
          <a class="export" href={row.downloadUrl} download data-testid="recs-player-download">
            {t('recs.download')}
          </a>
        </div>
      </div>
      <canvas ref={canvas} width={900} height={72} class="waveform" onClick={seek} data-testid="recs-waveform" aria-label={t('recs.waveform')} />
      <div class="row gap">
        <audio
          ref={audio}
          controls
          preload="metadata"
          src={row.audioUrl}
          onTimeUpdate={(e) => setPosition((e.currentTarget as HTMLAudioElement).currentTime)}
          onSeeked={(e) => setPosition((e.currentTarget as HTMLAudioElement).currentTime)}
          data-testid="recs-audio"
        />
        <span class="muted" data-testid="recs-position">
          {clock(position)} / {clock(duration())}
        </span>
      </div>
      <p class="muted small">{t('recs.audited')}</p>
    </div>
  );
}
