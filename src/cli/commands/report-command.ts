/** `ccs report`: the historical report of /ops/reports as a table, JSON (--json) or CSV (--csv). */
import type { CommandContext } from '../command-context.ts';
import type { Report, ReportRow } from '../../application/reports.ts';
import { DISPOSITIONS } from '../../domain/disposition.ts';
import { formatDuration, table, type Column } from '../format.ts';

/** The answer of /ops/reports; the table adds one row for the total. */
type Row = ReportRow & { total?: true };

const percent = (ratio: number | null) => (ratio === null ? null : `${(ratio * 100).toFixed(1)}%`);
const OTHER_DISPOSITIONS = DISPOSITIONS.filter((d) => d !== 'ANSWERED');

function reportQuery(ctx: CommandContext): string {
  const q = new URLSearchParams();
  const put = (name: string, value: string | true | undefined) => {
    if (typeof value === 'string') q.set(name, value);
  };
  put('from', ctx.options.from);
  put('to', ctx.options.to);
  put('by', ctx.options.by);
  put('campaign', ctx.options['campaign-id']);
  put('agent', ctx.options.agent);
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function reportView(data: Report): string {
  const keyColumns: Column<Row>[] = data.by.map((d): Column<Row> => {
    const first = d === data.by[0];
    if (d === 'campaign') return { header: 'CAMPAIGN', value: (r) => (r.total ? (first ? 'total' : '') : r.campaignId), align: 'left' };
    if (d === 'agent') return { header: 'AGENT', value: (r) => (r.total ? (first ? 'total' : '') : (r.agentCode ?? '(none)')), align: 'left' };
    return { header: d.toUpperCase(), value: (r) => (r.total ? (first ? 'total' : '') : (d === 'day' ? r.day : r.hour)), align: 'left' };
  });
  const columns: Column<Row>[] = [
    ...keyColumns,
    { header: 'ATTEMPTS', value: (r) => r.attempts },
    { header: 'REACHED', value: (r) => r.reached },
    { header: 'TALK', value: (r) => formatDuration(r.talkSeconds), align: 'right' },
    { header: 'HOLD', value: (r) => formatDuration(r.holdSeconds), align: 'right' },
    { header: 'WRAP-UP', value: (r) => formatDuration(r.wrapUpSeconds), align: 'right' },
    { header: 'OCCUPANCY', value: (r) => percent(r.occupancy), align: 'right' },
    { header: 'ABANDON', value: (r) => percent(r.abandonRate), align: 'right' },
    ...OTHER_DISPOSITIONS.map((d): Column<Row> => ({ header: d, value: (r) => r.dispositions[d] ?? 0 })),
    { header: 'CODES', value: (r) => Object.entries(r.codes ?? {}).map(([code, n]) => `${code} ${n}`).join(', '), align: 'left' },
  ];
  const period = data.from === data.to ? data.from : `${data.from} to ${data.to}`;
  const heading = `Report ${period} (${data.timeZone}), by ${data.by.join(', ')}`;
  if (data.rows.length === 0) return `${heading}\n(no attempts)`;
  return `${heading}\n${table([...data.rows, { ...data.total, total: true }], columns)}`;
}

export async function report(ctx: CommandContext): Promise<void> {
  const query = reportQuery(ctx);
  if (ctx.options.csv === true) {
    const csv = await ctx.client.get<string>(`/ops/reports.csv${query}`);
    ctx.show(csv, () => csv.replace(/\r\n/g, '\n').trimEnd());
    return;
  }
  const data = await ctx.client.get<Report>(`/ops/reports${query}`);
  ctx.show(data, () => reportView(data));
}
