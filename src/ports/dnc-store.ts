/**
 * The do-not-call list port. Entries are keyed by the subscriber key of their number
 * (`subscriberKey` in src/domain/phone-number.ts), so `0987654321`, `+84987654321` and
 * `84987654321` are one entry. Each entry keeps the number as it was given, its source (the
 * national register, a customer's request, a CRM export…) and when it was last added.
 * Implementation: src/store/dnc-repository.ts (SQLite and PostgreSQL).
 */

export interface DncEntry {
  /** The subscriber key the list is indexed by. */
  key: string;
  /** The number as it was given when added. */
  number: string;
  source: string;
  /** When the entry was added, or last re-added or re-imported (epoch ms). */
  addedAt: number;
}

export interface DncImportLine {
  number: string;
  source: string;
}

export interface DncImportResult {
  /** Lines received. */
  received: number;
  /** Distinct numbers written (new or refreshed). */
  stored: number;
  /** Lines whose number is not plausibly dialable; nothing is stored for them. */
  invalid: number;
  /** Lines repeating a number already seen earlier in the same import. */
  duplicates: number;
}

export interface DncStore {
  /** Adds a number, or refreshes its source and date when already listed. False when the number is not valid. */
  add(number: string, source: string, at: number): Promise<boolean>;
  /** Removes a number (any of its spellings). False when it was not listed. */
  remove(number: string): Promise<boolean>;
  /** The entry of a number (any of its spellings), if listed. */
  get(number: string): Promise<DncEntry | undefined>;
  /** Adds or refreshes many numbers in one transaction. */
  importMany(lines: Iterable<DncImportLine>, at: number): Promise<DncImportResult>;
  /** Every entry, in key order, read page by page. */
  exportAll(pageSize?: number): AsyncIterable<DncEntry>;
  /** Which of these numbers are listed: the given numbers (as given) that are. */
  listed(numbers: readonly string[]): Promise<Set<string>>;
  count(): Promise<number>;
}
