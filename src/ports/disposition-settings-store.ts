/**
 * Disposition codes a supervisor set for a profile, in storage
 * (src/store/disposition-settings-repository.ts): they override the config file's codes for
 * that profile. A change and its audit row (who, when, before → after) are written in one
 * transaction; `null` settings mean the config file's codes.
 */
import type { DispositionSettings } from '../domain/wrap-up-codes.ts';

export interface StoredDispositionSettings {
  profile: string;
  settings: DispositionSettings;
  updatedAt: number;
  updatedBy: string;
}

export interface DispositionSettingsAudit {
  id: number;
  at: number;
  actor: string;
  profile: string;
  before: DispositionSettings | null;
  after: DispositionSettings | null;
}

export interface DispositionSettingsStore {
  loadAll(): Promise<StoredDispositionSettings[]>;
  /** Stores (or with null removes) a profile's codes, audited with `before` (the codes in force until now). */
  save(change: { profile: string; settings: DispositionSettings | null; before: DispositionSettings | null; actor: string; at: number }): Promise<void>;
  audit(profile: string, limit: number): Promise<DispositionSettingsAudit[]>;
}
