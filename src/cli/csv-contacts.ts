/**
 * Contacts from a CSV file for `ccs send` (the README's "Sending contacts from a CSV file").
 *
 * The first line is a header naming the columns, in any order: `id` and `phonenumber` are
 * required, `linkedit` is optional, any other column is passed to CCS as an extra field of the
 * contact. Fields are separated by commas; a header separated by semicolons or tabs makes that
 * the separator (spreadsheets in some locales save so). A field in double quotes may hold the
 * separator, line breaks and doubled quotes (`""`). UTF-8, with or without a byte-order mark;
 * LF or CRLF line ends; blank lines are skipped.
 */
import { CliError } from './cli-error.ts';

export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

/** The separator the header line uses: comma, unless it has more semicolons or tabs. */
export function separatorOf(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0]!.replace(/"[^"]*"/g, '');
  const count = (ch: string) => firstLine.split(ch).length - 1;
  return [',', ';', '\t'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
}

const REQUIRED = ['id', 'phonenumber'];

/** `source` names the file in messages. */
export function contactsFromCsv(text: string, source = 'the CSV file'): Record<string, unknown>[] {
  const clean = text.replace(/^\uFEFF/, '');
  const separator = separatorOf(clean);
  const [header, ...rows] = parseCsv(clean, separator);
  if (!header) throw new CliError(`${source} is empty: it needs a header line (id,phonenumber,linkedit) and one line per contact`);
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED.filter((r) => !names.includes(r));
  if (missing.length) {
    throw new CliError(
      `${source}: the first line must be a header naming the columns, at least ${REQUIRED.join(' and ')} (missing ${missing.join(', ')}; the first line reads ${JSON.stringify(header.join(separator).slice(0, 60))})`,
    );
  }
  const twice = names.find((n, i) => n !== '' && names.indexOf(n) !== i);
  if (twice) throw new CliError(`${source}: the header names the column ${twice} twice`);
  if (rows.length === 0) throw new CliError(`${source} has a header but no contacts`);
  return rows.map((cells, r) => {
    if (cells.length > names.length && cells.slice(names.length).some((c) => c.trim() !== '')) {
      throw new CliError(`${source}: contact ${r + 1} has ${cells.length} fields but the header names ${names.length} (a field holding "${separator === '\t' ? 'tab' : separator}" needs double quotes)`);
    }
    const contact: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = cells[i]?.trim() ?? '';
      if (name === '') return;
      if (name === 'id') contact.id = /^\d+$/.test(value) ? Number(value) : value;
      else if (value !== '') contact[name] = value;
    });
    return contact;
  });
}
