/**
 * Contacts from a CSV file for `ccs send`: a header row naming `id`, `phonenumber` and
 * optionally `linkedit` (any order; other columns are passed through as extra fields).
 * Quoted fields with commas, doubled quotes and CRLF line ends are understood.
 */
export function parseCsv(text: string): string[][] {
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
    else if (ch === ',') {
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

export function contactsFromCsv(text: string): Record<string, unknown>[] {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) throw new Error('the CSV file is empty');
  const names = header.map((h) => h.trim().toLowerCase());
  for (const required of ['id', 'phonenumber']) {
    if (!names.includes(required)) throw new Error(`the CSV header must name a "${required}" column`);
  }
  return rows.map((cells) => {
    const contact: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const value = cells[i]?.trim() ?? '';
      if (name === 'id') contact.id = /^\d+$/.test(value) ? Number(value) : value;
      else if (value !== '') contact[name] = value;
    });
    return contact;
  });
}
