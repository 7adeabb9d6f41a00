/** The CSV format of `ccs send` (README, "Sending contacts from a CSV file"). */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/cli/cli-error.ts';
import { contactsFromCsv } from '../../../src/cli/csv-contacts.ts';

const failure = (text: string) => {
  try {
    contactsFromCsv(text, 'contacts.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return (error as Error).message;
  }
  throw new Error('expected the CSV to be refused');
};

describe('contacts from CSV', () => {
  it('reads the README example: header names in any order, quotes around separators, doubled quotes, extra columns as extra fields', () => {
    const text = 'phonenumber,id,linkedit,note\r\n0912345678,1,https://crm.example.vn/contact/1,"Gọi sau 9 giờ, trước 17 giờ"\r\n0987654321,2,,"Khách nói ""bận"""\r\n';
    expect(contactsFromCsv(text)).toEqual([
      { phonenumber: '0912345678', id: 1, linkedit: 'https://crm.example.vn/contact/1', note: 'Gọi sau 9 giờ, trước 17 giờ' },
      { phonenumber: '0987654321', id: 2, note: 'Khách nói "bận"' },
    ]);
  });

  it('takes semicolons or tabs as the separator when the header uses them, and ignores a byte-order mark and blank lines', () => {
    expect(contactsFromCsv('\uFEFFid;phonenumber\n1;0912345678\n\n2;"0987;654321"\n')).toEqual([
      { id: 1, phonenumber: '0912345678' },
      { id: 2, phonenumber: '0987;654321' },
    ]);
    expect(contactsFromCsv('id\tphonenumber\n1\t0912345678\n')).toEqual([{ id: 1, phonenumber: '0912345678' }]);
  });

  it('keeps a field with a line break inside quotes', () => {
    expect(contactsFromCsv('id,phonenumber,note\n1,0912345678,"line one\nline two"\n')[0]).toMatchObject({ note: 'line one\nline two' });
  });

  it('refuses a file without a header, saying what the first line reads', () => {
    expect(failure('1,0912345678\n2,0987654321\n')).toBe(
      'contacts.csv: the first line must be a header naming the columns, at least id and phonenumber (missing id, phonenumber; the first line reads "1,0912345678")',
    );
  });

  it('refuses an empty file, a header without contacts, a column named twice and a row longer than the header', () => {
    expect(failure('')).toContain('contacts.csv is empty');
    expect(failure('id,phonenumber\n')).toBe('contacts.csv has a header but no contacts');
    expect(failure('id,phonenumber,ID\n1,2,3\n')).toBe('contacts.csv: the header names the column id twice');
    expect(failure('id,phonenumber\n1,0912345678,Nguyen, Van A\n')).toContain('contact 1 has 4 fields but the header names 2');
  });
});
