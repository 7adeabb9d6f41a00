// Calls per minute by status (stacked bars) and answer rate per minute (line), drawn as SVG.
import { clockTime, percent } from '../format.ts';
import { useI18n, type Translate } from '../i18n.ts';
import { fill } from '../value-texts.ts';
import { minuteAnswerRate } from './answer-rate.ts';
import type { MinuteCounts } from './types.ts';

export const STATUS_COLORS: Record<string, string> = {
  ANSWERED: '#1f9d55',
  'NO ANSWER': '#9aa5b1',
  BUSY: '#f0b429',
  FAILED: '#d64545',
  CONGESTION: '#8e5cd9',
  ABANDONED: '#e66a1f',
};
const STATUSES = Object.keys(STATUS_COLORS);
const WINDOW = 30;
const W = 360;
const H = 120;
// Room on the left for the widest axis label ("100%") at the tick font size.
const PAD = { left: 34, right: 8, top: 8, bottom: 18 };

export function CallCharts(props: { minutes: MinuteCounts[]; timeZone: string }) {
  const { t } = useI18n();
  const minutes = props.minutes.slice(-WINDOW);
  const any = minutes.some((m) => m.total > 0);
  return (
    <section class="card" data-testid="charts">
      <h3 id="chart-calls-title">{t('sup.chartCalls')}</h3>
      {any ? <StackedBars minutes={minutes} timeZone={props.timeZone} t={t} /> : <p class="muted">{t('sup.chartEmpty')}</p>}
      <div class="legend">
        {STATUSES.map((s) => (
          <span>
            <i style={{ background: STATUS_COLORS[s] }} />
            {t(`status.${s}`)}
          </span>
        ))}
      </div>
      <h3 id="chart-answer-title">{t('sup.chartAnswer')}</h3>
      {any && <AnswerRate minutes={minutes} timeZone={props.timeZone} t={t} />}
    </section>
  );
}

function axisTicks(minutes: MinuteCounts[], timeZone: string, x: (i: number) => number) {
  return minutes.map((m, i) =>
    i % 10 === 0 || i === minutes.length - 1 ? (
      <text x={x(i)} y={H - 4} class="tick" text-anchor="middle">
        {clockTime(m.at, timeZone)}
      </text>
    ) : null,
  );
}

function StackedBars(props: { minutes: MinuteCounts[]; timeZone: string; t: Translate }) {
  const { minutes } = props;
  const max = Math.max(1, ...minutes.map((m) => m.total));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / minutes.length;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label={callsLabel(props.t, minutes)} data-testid="chart-calls">
      <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
      <text x={PAD.left - 4} y={y(max) + 4} class="tick" text-anchor="end">
        {max}
      </text>
      <text x={PAD.left - 4} y={y(0)} class="tick" text-anchor="end">
        0
      </text>
      {minutes.map((m, i) => {
        let base = 0;
        return STATUSES.map((s) => {
          const v = m.counts[s] ?? 0;
          if (!v) return null;
          const rect = <rect x={PAD.left + i * band + 1} width={Math.max(1, band - 2)} y={y(base + v)} height={y(base) - y(base + v)} fill={STATUS_COLORS[s]}><title>{`${clockTime(m.at, props.timeZone)} ${props.t(`status.${s}`, s)}: ${v}`}</title></rect>;
          base += v;
          return rect;
        });
      })}
      {axisTicks(minutes, props.timeZone, (i) => PAD.left + i * band + band / 2)}
    </svg>
  );
}

function AnswerRate(props: { minutes: MinuteCounts[]; timeZone: string; t: Translate }) {
  const { minutes } = props;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const band = plotW / minutes.length;
  const x = (i: number) => PAD.left + i * band + band / 2;
  const y = (v: number) => PAD.top + plotH - v * plotH;
  const points = minutes.map((m, i) => {
    const v = minuteAnswerRate(m);
    return v === null ? null : { x: x(i), y: y(v), v, at: m.at };
  });
  const path = points
    .filter((p): p is NonNullable<typeof p> => p !== null)
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
    .join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart" role="img" aria-label={answerLabel(props.t, minutes)} data-testid="chart-answer-rate">
      {[0, 0.5, 1].map((v) => (
        <>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class={v === 0 ? 'axis' : 'grid'} />
          <text x={PAD.left - 4} y={y(v) + 3} class="tick" text-anchor="end">
            {v * 100}%
          </text>
        </>
      ))}
      <path d={path} class="line" />
      {points.map((p) =>
        p ? (
          <circle cx={p.x} cy={p.y} r={2.5} class="point">
            <title>{`${clockTime(p.at, props.timeZone)}: ${percent(p.v)}`}</title>
          </circle>
        ) : null,
      )}
      {axisTicks(minutes, props.timeZone, x)}
    </svg>
  );
}

/** The charts' accessible names: what they show and the totals a sighted reader takes from them. */
function callsLabel(t: Translate, minutes: MinuteCounts[]): string {
  const total = minutes.reduce((n, m) => n + m.total, 0);
  const answered = minutes.reduce((n, m) => n + (m.counts.ANSWERED ?? 0), 0);
  return fill(t('sup.chartCallsLabel'), { n: minutes.length, total, answered });
}

function answerLabel(t: Translate, minutes: MinuteCounts[]): string {
  const all = minutes.reduce<MinuteCounts>((sum, m) => {
    for (const [s, v] of Object.entries(m.counts)) sum.counts[s] = (sum.counts[s] ?? 0) + v;
    return { ...sum, total: sum.total + m.total };
  }, { at: 0, counts: {}, total: 0 });
  return fill(t('sup.chartAnswerLabel'), { n: minutes.length, rate: percent(minuteAnswerRate(all)) });
}
