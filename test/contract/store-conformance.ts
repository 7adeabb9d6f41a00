/**
 * The store conformance suite: the rules of the Store port (src/ports/store.ts) as tests, run
 * against every implementation — SQLite, PostgreSQL and memory — so they stay interchangeable.
 * Each test gets a fresh, empty store from `open` and hands it back to `teardown`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.ts';
import { attemptRules } from './store-conformance/attempt-rules.ts';
import { campaignRules } from './store-conformance/campaign-rules.ts';
import { concurrencyRules } from './store-conformance/concurrency-rules.ts';
import { contactRules } from './store-conformance/contact-rules.ts';
import { outboxRules } from './store-conformance/outbox-rules.ts';

export interface OpenedStore {
  store: Store;
  teardown(): Promise<void>;
}

export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  describe(`Store conformance: ${name}`, () => {
    let opened: OpenedStore | undefined;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      const o = opened;
      opened = undefined;
      await o?.teardown();
    });
    const store = (): Store => {
      if (opened === undefined) throw new Error('no store is open');
      return opened.store;
    };

    it('answers a ping', async () => {
      await expect(store().ping()).resolves.toBeUndefined();
    });
    it('takes a heartbeat write again and again (the readiness write probe)', async () => {
      await expect(store().probeWrite(1_000)).resolves.toBeUndefined();
      await expect(store().probeWrite(2_000)).resolves.toBeUndefined();
    });
    describe('campaigns', () => campaignRules(store));
    describe('contacts', () => contactRules(store));
    describe('attempts', () => attemptRules(store));
    describe('outbox', () => outboxRules(store));
    describe('concurrent calls', () => concurrencyRules(store));
  });
}
