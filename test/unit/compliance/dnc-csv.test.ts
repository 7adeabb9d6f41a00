import { describe, expect, it } from 'vitest';
import { csvCell, splitCsvLine } from '../../../src/compliance/csv.ts';
import { dncExportRow, parseDncCsv, parseDncJson } from '../../../src/compliance/dnc-csv.ts';

describe('do-not-call import files', () => {
  it('reads one number per line with an optional source, taking the default source otherwise', () => {
    expect(parseDncCsv('0912000001\n+84912000002,customer-request\r\n\n# comment\n84912000003,\n', 'register')).toEqual([
      { number: '0912000001', source: 'register' },
      { number: '+84912000002', source: 'customer-request' },
      { number: '84912000003', source: 'register' },
    ]);
  });

  it('finds the columns by a header row in any order, with ; or tab separators', () => {
    expect(parseDncCsv('source;so_dien_thoai\nhotline;0912 000 001\n', 'x')).toEqual([{ number: '0912 000 001', source: 'hotline' }]);
    expect(parseDncCsv('\uFEFFnumber\tnote\n0912000001\tfoo\n', 'x')).toEqual([{ number: '0912000001', source: 'x' }]);
  });

  it('reads its own export back', () => {
    const row = dncExportRow({ key: '+84912000001', number: '0912000001', source: 'a, "quoted" source', addedAt: Date.UTC(2026, 0, 5, 2) }, 'Asia/Ho_Chi_Minh');
    const text = 'number,key,source,added_at\r\n' + row;
    expect(parseDncCsv(text, 'x')).toEqual([{ number: '0912000001', source: 'a, "quoted" source' }]);
  });

  it('accepts a JSON array of numbers or of {number, source}', () => {
    expect(parseDncJson(['0912000001', { number: '0912000002', source: 'crm' }, { nope: 1 }], 'api')).toEqual([
      { number: '0912000001', source: 'api' },
      { number: '0912000002', source: 'crm' },
      { number: '', source: 'api' },
    ]);
    expect(parseDncJson({ number: '1' }, 'api')).toBeNull();
  });
});

describe('CSV cells', () => {
  it('quotes delimiters and neutralises formulas but leaves +84 numbers alone', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+84912000001')).toBe('+84912000001');
    expect(csvCell(null)).toBe('');
    expect(splitCsvLine('"a,b",c,"d""e"', ',')).toEqual(['a,b', 'c', 'd"e']);
  });
});
