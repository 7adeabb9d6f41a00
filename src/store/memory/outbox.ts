/**
 * The memory store's callback outbox, with the SQL outbox's semantics: rows get increasing
 * ids; a claim returns due pending rows in id order and leases them by pushing
 * `nextAttemptAt` to now + lease; a finish is held back while an update of its campaign is
 * still pending.
 *
 * A pending row is either waiting (in a heap by due time) or ready (known to be due, in a heap
 * by id, and in a second heap by due time for `nextCallbackDueAt`). A claim first moves the
 * rows that have come due from waiting to ready, then takes ready rows in id order, so its
 * cost follows the rows it returns, not the length of the backlog. A fourth heap orders
 * pending rows by creation time for `outboxStats`.
 */
import type { CallbackKind, CallbackRecord, OutboxStats, OutboxStore } from '../../ports/store.ts';
import { IndexedHeap } from './indexed-heap.ts';

interface CallbackRow extends CallbackRecord {
  waitPos: number;
  readyIdPos: number;
  readyTimePos: number;
  createdPos: number;
}

export interface NewCallback {
  campaignId: number;
  kind: CallbackKind;
  idempotencyKey: string;
  payload: unknown;
  at: number;
}

export interface MemoryOutbox {
  /** Writes a pending callback, due at `at`; the caller does it in the same step as the change causing it. */
  write(callback: NewCallback): void;
  readonly store: OutboxStore;
}

const byTime = (a: CallbackRow, b: CallbackRow) => a.nextAttemptAt < b.nextAttemptAt || (a.nextAttemptAt === b.nextAttemptAt && a.id < b.id);
const byId = (a: CallbackRow, b: CallbackRow) => a.id < b.id;
const byCreated = (a: CallbackRow, b: CallbackRow) => a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);

function copy(r: CallbackRow): CallbackRecord {
  return {
    id: r.id,
    campaignId: r.campaignId,
    kind: r.kind,
    idempotencyKey: r.idempotencyKey,
    payload: r.payload,
    createdAt: r.createdAt,
    nextAttemptAt: r.nextAttemptAt,
    attempts: r.attempts,
    state: r.state,
    lastError: r.lastError,
    deliveredAt: r.deliveredAt,
  };
}

export function createMemoryOutbox(): MemoryOutbox {
  /** Every row, index = id - 1; a pruned row leaves a hole. */
  const rows: (CallbackRow | undefined)[] = [];
  /** Below this index every row is pruned or not delivered yet when last looked at (prune's cursor). */
  let pruneFrom = 0;
  const counts = { pending: 0, dead: 0, delivered: 0 };
  /** Pending updates per campaign: while non-zero, the campaign's finish is held back. */
  const pendingUpdates = new Map<number, number>();
  const waiting = new IndexedHeap<CallbackRow>(byTime, { get: (r) => r.waitPos, set: (r, i) => (r.waitPos = i) });
  const readyById = new IndexedHeap<CallbackRow>(byId, { get: (r) => r.readyIdPos, set: (r, i) => (r.readyIdPos = i) });
  const readyByTime = new IndexedHeap<CallbackRow>(byTime, { get: (r) => r.readyTimePos, set: (r, i) => (r.readyTimePos = i) });
  const pendingByCreated = new IndexedHeap<CallbackRow>(byCreated, { get: (r) => r.createdPos, set: (r, i) => (r.createdPos = i) });

  const countUpdate = (r: CallbackRow, delta: number) => {
    if (r.kind !== 'update') return;
    const n = (pendingUpdates.get(r.campaignId) ?? 0) + delta;
    if (n === 0) pendingUpdates.delete(r.campaignId);
    else pendingUpdates.set(r.campaignId, n);
  };

  const enterPending = (r: CallbackRow) => {
    r.state = 'pending';
    counts.pending++;
    countUpdate(r, 1);
    waiting.push(r);
    pendingByCreated.push(r);
  };

  const leavePending = (r: CallbackRow, state: 'delivered' | 'dead') => {
    if (r.state === 'pending') {
      counts.pending--;
      countUpdate(r, -1);
      waiting.remove(r);
      readyById.remove(r);
      readyByTime.remove(r);
      pendingByCreated.remove(r);
    } else {
      counts[r.state]--;
    }
    r.state = state;
    counts[state]++;
  };

  /** Puts a pending row whose due time changed back among the waiting ones. */
  const reschedule = (r: CallbackRow, nextAttemptAt: number) => {
    readyById.remove(r);
    readyByTime.remove(r);
    r.nextAttemptAt = nextAttemptAt;
    waiting.update(r);
  };

  const find = (id: number): CallbackRow | undefined => (Number.isInteger(id) ? rows[id - 1] : undefined);

  const store: OutboxStore = {
    async claimDueCallbacks(now, limit, leaseMs) {
      for (let w = waiting.peek(); w !== undefined && w.nextAttemptAt <= now; w = waiting.peek()) {
        waiting.pop();
        readyById.push(w);
        readyByTime.push(w);
      }
      const claimed: CallbackRecord[] = [];
      const heldBack: CallbackRow[] = [];
      while (claimed.length < limit) {
        const r = readyById.pop();
        if (r === undefined) break;
        // A row made ready by a later `now` than this one, or a finish whose updates are not all out.
        if (r.nextAttemptAt > now || (r.kind === 'finish' && pendingUpdates.has(r.campaignId))) {
          heldBack.push(r);
          continue;
        }
        claimed.push(copy(r));
        readyByTime.remove(r);
        r.nextAttemptAt = now + leaseMs;
        waiting.push(r);
      }
      for (const r of heldBack) readyById.push(r);
      return claimed;
    },

    async markDelivered(ids, at) {
      for (const id of ids) {
        const r = find(id);
        if (r === undefined) continue;
        leavePending(r, 'delivered');
        r.deliveredAt = at;
        r.attempts++;
        r.lastError = null;
      }
    },

    async markFailed(id, error, nextAttemptAt, dead) {
      const r = find(id);
      if (r === undefined || r.state !== 'pending') return;
      r.attempts++;
      r.lastError = error.slice(0, 500);
      if (dead) {
        leavePending(r, 'dead');
        r.nextAttemptAt = nextAttemptAt;
      } else {
        reschedule(r, nextAttemptAt);
      }
    },

    async releaseCallbacks(ids, at) {
      for (const id of ids) {
        const r = find(id);
        // A leased row waits with its lease's end as due time; nothing else is moved.
        if (r !== undefined && r.state === 'pending' && r.nextAttemptAt > at) reschedule(r, at);
      }
    },

    async listCallbacks({ state, campaignId, limit, offset = 0 }) {
      const out: CallbackRecord[] = [];
      let skip = Math.max(0, offset);
      for (const r of rows) {
        if (out.length >= limit) break;
        if (r === undefined) continue;
        if (state !== undefined && r.state !== state) continue;
        if (campaignId !== undefined && r.campaignId !== campaignId) continue;
        if (skip > 0) skip--;
        else out.push(copy(r));
      }
      return out;
    },

    async getCallback(id) {
      const r = find(id);
      return r === undefined ? undefined : copy(r);
    },

    async replayCallback(id, now) {
      const r = find(id);
      if (r === undefined || r.state !== 'dead') return false;
      counts.dead--;
      r.nextAttemptAt = now;
      r.createdAt = now;
      enterPending(r);
      return true;
    },

    async pruneDeliveredCallbacks(before, limit) {
      let pruned = 0;
      for (let i = pruneFrom; i < rows.length && pruned < limit; i++) {
        const r = rows[i];
        if (r === undefined || r.state !== 'delivered' || r.deliveredAt === null || r.deliveredAt >= before) continue;
        rows[i] = undefined;
        counts.delivered--;
        pruned++;
      }
      while (pruneFrom < rows.length && rows[pruneFrom] === undefined) pruneFrom++;
      return pruned;
    },

    async outboxStats(): Promise<OutboxStats> {
      return { ...counts, oldestPendingAt: pendingByCreated.peek()?.createdAt ?? null };
    },

    async nextCallbackDueAt() {
      const a = waiting.peek()?.nextAttemptAt;
      const b = readyByTime.peek()?.nextAttemptAt;
      if (a === undefined) return b ?? null;
      return b === undefined ? a : Math.min(a, b);
    },
  };

  return {
    write({ campaignId, kind, idempotencyKey, payload, at }) {
      const r: CallbackRow = {
        id: rows.length + 1,
        campaignId,
        kind,
        idempotencyKey,
        payload: JSON.stringify(payload),
        createdAt: at,
        nextAttemptAt: at,
        attempts: 0,
        state: 'pending',
        lastError: null,
        deliveredAt: null,
        waitPos: -1,
        readyIdPos: -1,
        readyTimePos: -1,
        createdPos: -1,
      };
      rows.push(r);
      enterPending(r);
    },
    store,
  };
}
