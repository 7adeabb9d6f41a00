/**
 * Bulk rows into PostgreSQL with `COPY … FROM STDIN` (text format) on a connection the caller
 * holds inside its transaction: a 100,000-contact campaign loads several times faster than
 * through multi-row INSERTs, whose statements cost more to build and parse than the rows to
 * store. Rows are written in chunks of about 64 KB and the stream waits for the socket to
 * drain, so the event loop turns while a large campaign is sent.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

export type CopyValue = string | number | null;

const CHUNK_CHARS = 65_536;

/** A value in COPY's text format: `\N` for null; backslash, tab, newline and carriage return escaped. */
export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`COPY of a non-integer or unsafe number: ${value}`);
    return String(value);
  }
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : value;
}

/**
 * Copies `count` rows into `table`, row `i` given by `rowAt(i)` as values in the order of
 * `columns`, on `client` (in the caller's transaction). A failing row (a duplicate key, say)
 * rejects, leaving the transaction for the caller to roll back.
 */
export async function copyRows(client: pg.PoolClient | pg.Client, table: string, columns: readonly string[], count: number, rowAt: (i: number) => readonly CopyValue[]): Promise<void> {
  function* chunks() {
    let chunk = '';
    for (let i = 0; i < count; i++) {
      const row = rowAt(i);
      let line = '';
      for (let k = 0; k < row.length; k++) line += (k === 0 ? '' : '\t') + copyField(row[k]!);
      chunk += line + '\n';
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  await pipeline(Readable.from(chunks(), { objectMode: false }), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
}
