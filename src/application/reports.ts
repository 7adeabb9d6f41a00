/**
 * Historical reports: a query (date range in the service's zone, filters, grouping) read from
 * the report store and labelled in local time. Hours are folded into local days and hours
 * here, so the store only ever groups by UTC hour (exact for zones whose offset is whole hours).
 */
import { REPORT_DIMENSIONS, addSums, emptySums, figuresOf, type ReportDimension, type ReportFigures, type ReportSums } from '../domain/report.ts';
import { epochOfWallClock, wallClockAt } from '../domain/local-time.ts';
import type { ReportGrouping, ReportStore } from '../ports/report-store.ts';

export interface ReportQuery {
  /** Local dates, YYYY-mm-dd, both included. */
  from: string;
  to: string;
  by: ReportDimension[];
  campaignIds: number[];
  agentCodes: string[];
}

export interface ReportRow extends ReportFigures {
  campaignId?: number;
  /** null: attempts no agent took. */
  agentCode?: string | null;
  day?: string;
  hour?: string;
}

export interface Report {
  from: string;
  to: string;
  by: ReportDimension[];
  timeZone: string;
  rows: ReportRow[];
  total: ReportFigures;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_DAYS = 3700;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parseDate(text: string): { year: number; month: number; day: number } | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = m.slice(1).map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return { year, month, day };
}

export function localDate(epochMs: number, timeZone: string): string {
  const w = wallClockAt(epochMs, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

const list = (raw: unknown): string[] =>
  (Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [])
    .flatMap((v) => String(v).split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/**
 * Reads a report query from request parameters: `from`, `to` (default today), `by`
 * (comma-separated campaign, agent, day, hour; default campaign), `campaign` and `agent`
 * (comma-separated filters). Returns the problem in words when a parameter is wrong.
 */
export function parseReportQuery(raw: Record<string, unknown>, now: number, timeZone: string): { query: ReportQuery } | { error: string } {
  const today = localDate(now, timeZone);
  const from = typeof raw.from === 'string' && raw.from ? raw.from : today;
  const to = typeof raw.to === 'string' && raw.to ? raw.to : from > today ? from : today;
  const f = parseDate(from);
  const t = parseDate(to);
  if (!f || !t) return { error: 'from and to must be dates, YYYY-mm-dd.' };
  if (from > to) return { error: 'from must not be after to.' };
  if ((Date.UTC(t.year, t.month - 1, t.day) - Date.UTC(f.year, f.month - 1, f.day)) / 86_400_000 > MAX_DAYS) return { error: `A report covers at most ${MAX_DAYS} days.` };
  const by = list(raw.by);
  if (by.length === 0) by.push('campaign');
  const unknown = by.filter((d) => !(REPORT_DIMENSIONS as readonly string[]).includes(d));
  if (unknown.length) return { error: `by must name ${REPORT_DIMENSIONS.join(', ')} (comma-separated); not ${unknown.join(', ')}.` };
  if (by.includes('day') && by.includes('hour')) return { error: 'by takes day or hour, not both (an hour names its day).' };
  const campaigns = list(raw.campaign);
  const campaignIds = campaigns.map(Number);
  if (campaignIds.some((id) => !Number.isSafeInteger(id) || id <= 0)) return { error: 'campaign must be campaign ids (positive integers), comma-separated.' };
  const agentCodes = list(raw.agent);
  if (agentCodes.some((a) => a.length > 100)) return { error: 'agent codes are at most 100 characters.' };
  const ordered = REPORT_DIMENSIONS.filter((d) => by.includes(d));
  return { query: { from, to, by: ordered, campaignIds: [...new Set(campaignIds)], agentCodes: [...new Set(agentCodes)] } };
}

/** The instants a local date range covers: [start of `from`, start of the day after `to`). */
export function reportRange(query: Pick<ReportQuery, 'from' | 'to'>, timeZone: string): { from: number; to: number } {
  const f = parseDate(query.from)!;
  const t = parseDate(query.to)!;
  const next = new Date(Date.UTC(t.year, t.month - 1, t.day + 1));
  const start = (d: { year: number; month: number; day: number }) => epochOfWallClock({ ...d, hour: 0, minute: 0, second: 0 }, timeZone);
  return { from: start(f), to: start({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }) };
}

/**
 * The zone's offset from UTC when it is the same at every local midnight of [from, to) (no
 * daylight-saving change in the range), so local days can be grouped in SQL; else null.
 */
function constantOffset(from: number, to: number, timeZone: string): number | null {
  const days = Math.round((to - from) / 86_400_000);
  if (days > 400 || (to - from) % 86_400_000 !== 0) return null;
  const w = wallClockAt(from, timeZone);
  const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - from;
  for (let d = 1; d <= days; d++) {
    const t = wallClockAt(from + d * 86_400_000, timeZone);
    if (t.hour !== w.hour || t.minute !== w.minute) return null;
  }
  return offset;
}

export async function runReport(store: ReportStore, query: ReportQuery, timeZone: string): Promise<Report> {
  const filter = { ...reportRange(query, timeZone), campaignIds: query.campaignIds, agentCodes: query.agentCodes };
  const has = (d: ReportDimension) => query.by.includes(d);
  const dayOffset = has('day') ? constantOffset(filter.from, filter.to, timeZone) : null;
  const time = has('hour') || (has('day') && dayOffset === null) ? 'hour' : has('day') ? { dayOffsetMs: dayOffset! } : null;
  const by: ReportGrouping = { campaign: has('campaign'), agent: has('agent'), time };
  const none: ReportGrouping = { campaign: false, agent: false, time: null };
  const [grouped, [total], groupedCodes, totalCodes] = await Promise.all([store.sums(filter, by), store.sums(filter, none), store.codes(filter, by), store.codes(filter, none)]);
  // Many rows share an hour, and a wall-clock conversion costs tens of microseconds.
  const labels = new Map<number, { day: string; hour: string }>();
  const labelOf = (hour: number) => {
    let l = labels.get(hour);
    if (!l) {
      const w = wallClockAt(hour, timeZone);
      const day = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
      l = { day, hour: `${day} ${pad(w.hour)}:00` };
      labels.set(hour, l);
    }
    return l;
  };
  const rows = new Map<string, { key: Omit<ReportRow, keyof ReportFigures>; sums: ReportSums }>();
  const keyOf = (r: { campaignId: number | null; agentCode: string | null; time: number | null }) => {
    const key: Omit<ReportRow, keyof ReportFigures> = {};
    if (has('campaign')) key.campaignId = r.campaignId!;
    if (has('agent')) key.agentCode = r.agentCode;
    if (has('day')) key.day = time === 'hour' ? labelOf(r.time!).day : new Date(r.time!).toISOString().slice(0, 10);
    if (has('hour')) key.hour = labelOf(r.time!).hour;
    return key;
  };
  const rowOf = (key: Omit<ReportRow, keyof ReportFigures>) => {
    const id = JSON.stringify(key);
    return rows.get(id) ?? rows.set(id, { key, sums: emptySums() }).get(id)!;
  };
  for (const r of grouped) addSums(rowOf(keyOf(r)).sums, r);
  for (const c of groupedCodes) addSums(rowOf(keyOf(c)).sums, { ...emptySums(), codes: { [c.code]: c.attempts } });
  const totalSums = total ?? emptySums();
  for (const c of totalCodes) addSums(totalSums, { ...emptySums(), codes: { [c.code]: c.attempts } });
  const sorted = [...rows.values()].sort((a, b) => compareKeys(a.key, b.key));
  return {
    from: query.from,
    to: query.to,
    by: query.by,
    timeZone,
    rows: sorted.map((r) => ({ ...r.key, ...figuresOf(r.sums) })),
    total: figuresOf(totalSums),
  };
}

function compareKeys(a: Omit<ReportRow, keyof ReportFigures>, b: Omit<ReportRow, keyof ReportFigures>): number {
  if (a.campaignId !== b.campaignId) return (a.campaignId ?? 0) - (b.campaignId ?? 0);
  if (a.agentCode !== b.agentCode) {
    // Attempts no agent took come last.
    if (a.agentCode === null) return 1;
    if (b.agentCode === null) return -1;
    return (a.agentCode ?? '') < (b.agentCode ?? '') ? -1 : 1;
  }
  const ta = a.hour ?? a.day ?? '';
  const tb = b.hour ?? b.day ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
