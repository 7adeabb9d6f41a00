/**
 * Do-not-call list files. Import: one number per line, optionally followed by its source
 * (`number,source`); `,`, `;` or tab separate columns; an optional header row names the
 * columns (`number`/`phonenumber`/`phone`/`msisdn`, `source`) in any order; blank lines and
 * lines starting with `#` are skipped. A line without a source takes the import's default.
 * Export writes `number,key,source,added_at` (local time), which imports back unchanged.
 */
import type { DncEntry, DncImportLine } from '../ports/dnc-store.ts';
import { formatContractDatetime } from '../domain/local-time.ts';
import { csvRow, splitCsvLine } from './csv.ts';

const NUMBER_HEADERS = new Set(['number', 'phonenumber', 'phone_number', 'phone', 'msisdn', 'so_dien_thoai', 'sodienthoai']);
const SOURCE_HEADERS = new Set(['source', 'nguon']);

function delimiterOf(line: string): string {
  if (line.includes('\t')) return '\t';
  if (line.includes(';') && !line.includes(',')) return ';';
  return ',';
}

export function parseDncCsv(text: string, defaultSource: string): DncImportLine[] {
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && (lines[first]!.trim() === '' || lines[first]!.trim().startsWith('#'))) first++;
  if (first >= lines.length) return [];
  const delimiter = delimiterOf(lines[first]!);
  let numberCol = 0;
  let sourceCol = 1;
  const head = splitCsvLine(lines[first]!.replace(/^\uFEFF/, ''), delimiter).map((h) => h.trim().toLowerCase());
  const headerNumber = head.findIndex((h) => NUMBER_HEADERS.has(h));
  if (headerNumber >= 0) {
    numberCol = headerNumber;
    sourceCol = head.findIndex((h) => SOURCE_HEADERS.has(h));
    first++;
  }
  const out: DncImportLine[] = [];
  for (let i = first; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const cells = splitCsvLine(line.replace(/^\uFEFF/, ''), delimiter);
    const source = sourceCol >= 0 ? cells[sourceCol]?.trim() : undefined;
    out.push({ number: (cells[numberCol] ?? '').trim(), source: source ? source : defaultSource });
  }
  return out;
}

/** A JSON import body: an array of numbers, or of `{number, source?}`. Null when it is neither. */
export function parseDncJson(body: unknown, defaultSource: string): DncImportLine[] | null {
  if (!Array.isArray(body)) return null;
  const out: DncImportLine[] = [];
  for (const item of body) {
    if (typeof item === 'string') out.push({ number: item, source: defaultSource });
    else if (typeof item === 'object' && item !== null && typeof (item as { number?: unknown }).number === 'string') {
      const source = (item as { source?: unknown }).source;
      out.push({ number: (item as { number: string }).number, source: typeof source === 'string' && source.trim() ? source.trim() : defaultSource });
    } else out.push({ number: '', source: defaultSource });
  }
  return out;
}

export const DNC_EXPORT_HEADER = csvRow(['number', 'key', 'source', 'added_at']);

export const dncExportRow = (e: DncEntry, timeZone: string) => csvRow([e.number, e.key, e.source, formatContractDatetime(e.addedAt, timeZone)]);
