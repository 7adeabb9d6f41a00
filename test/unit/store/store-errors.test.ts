/**
 * Which database failures mean "unavailable, try later" (503, retried by the engine) and which
 * stay errors of the request or the code: connection loss, shutdown, full disk, read-only and
 * I/O are the first kind; constraint and syntax errors are not.
 */
import { describe, expect, it } from 'vitest';
import { isStoreUnavailable, StoreUnavailableError } from '../../../src/ports/store.ts';
import { isUnavailableFailure, translateStoreError } from '../../../src/store/store-errors.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('store failure classification', () => {
  it.each([
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['53100', 'could not extend file: No space left on device'],
    ['25006', 'cannot execute INSERT in a read-only transaction'],
    ['58030', 'could not write to file'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['SQLITE_FULL', 'database or disk is full'],
    ['SQLITE_READONLY', 'attempt to write a readonly database'],
    ['SQLITE_IOERR_WRITE', 'disk I/O error'],
    ['SQLITE_BUSY', 'database is locked'],
  ])('%s is unavailable', (code, message) => {
    expect(isUnavailableFailure(withCode(code, message))).toBe(true);
    const translated = translateStoreError(withCode(code, message));
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect(isStoreUnavailable(translated)).toBe(true);
  });

  it('a connection dropped under a query (no code) is unavailable', () => {
    expect(isUnavailableFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailableFailure(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
  });

  it.each([
    ['23505', 'duplicate key value violates unique constraint'],
    ['22003', 'value "2147483648" is out of range for type integer'],
    ['42601', 'syntax error at or near'],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed'],
  ])('%s stays the error it is', (code, message) => {
    const error = withCode(code, message);
    expect(isUnavailableFailure(error)).toBe(false);
    expect(translateStoreError(error)).toBe(error);
  });

  it('any failure to get a connection at all is unavailable', () => {
    const error = withCode('55000', 'database "x" is not currently accepting connections');
    expect(translateStoreError(error, true)).toBeInstanceOf(StoreUnavailableError);
  });
});
