/**
 * A report as a table (header + rows of plain values), and that table as CSV or XLSX: both
 * files hold the same columns and figures, and so does `ccs report`.
 */
import writeXlsxFile from 'write-excel-file/node';
import { csvRow } from '../compliance/csv.ts';
import { DISPOSITIONS } from '../domain/disposition.ts';
import type { ReportFigures } from '../domain/report.ts';
import type { Report, ReportRow } from './reports.ts';

export type Cell = string | number | null;

const KEY_COLUMNS = { campaign: 'campaign', agent: 'agent', day: 'day', hour: 'hour' } as const;
const FIGURE_COLUMNS: [string, (f: ReportFigures) => Cell][] = [
  ['attempts', (f) => f.attempts],
  ['reached', (f) => f.reached],
  ['talk_seconds', (f) => f.talkSeconds],
  ['hold_seconds', (f) => f.holdSeconds],
  ['wrapup_seconds', (f) => f.wrapUpSeconds],
  ['occupancy', (f) => f.occupancy],
  ['abandon_rate', (f) => f.abandonRate],
  ...DISPOSITIONS.map((d): [string, (f: ReportFigures) => Cell] => [d, (f) => f.dispositions[d]]),
];

/** Header and rows; the last row is the total (its key cells say "total"). Agents' wrap-up codes follow as `code:<code>` columns. */
export function reportTable(report: Report): { header: string[]; rows: Cell[][] } {
  // The total holds every code any row has.
  const codes = Object.keys(report.total.codes);
  const header = [...report.by.map((d) => KEY_COLUMNS[d]), ...FIGURE_COLUMNS.map(([name]) => name), ...codes.map((c) => `code:${c}`)];
  const keyCells = (r: ReportRow): Cell[] =>
    report.by.map((d) => (d === 'campaign' ? (r.campaignId ?? null) : d === 'agent' ? (r.agentCode ?? '') : d === 'day' ? (r.day ?? '') : (r.hour ?? '')));
  const figures = (f: ReportFigures): Cell[] => [...FIGURE_COLUMNS.map(([, get]) => get(f)), ...codes.map((c) => f.codes[c] ?? 0)];
  const rows = report.rows.map((r) => [...keyCells(r), ...figures(r)]);
  rows.push([...report.by.map((_, i) => (i === 0 ? 'total' : '')), ...figures(report.total)]);
  return { header, rows };
}

export function reportCsv(report: Report): string {
  const { header, rows } = reportTable(report);
  return [header, ...rows].map(csvRow).join('');
}

export async function reportXlsx(report: Report): Promise<Buffer> {
  const { header, rows } = reportTable(report);
  const data = [
    header.map((value) => ({ value, fontWeight: 'bold' as const })),
    ...rows.map((r) => r.map((v) => (v === null ? null : typeof v === 'number' ? { value: v, type: Number } : { value: v, type: String }))),
  ];
  return writeXlsxFile(data as any, { sheet: 'Report' }).toBuffer();
}

export function reportFileName(report: Report, ext: 'csv' | 'xlsx'): string {
  const range = report.from === report.to ? report.from : `${report.from}_${report.to}`;
  return `ccs-report-${report.by.join('-')}-${range}.${ext}`;
}
