/**
 * Signed-in browser sessions: a random id (the cookie) mapped to the account and a per-session
 * CSRF token. A session ends when its user signs out, after `idleTimeoutMs` without a request,
 * or `absoluteTimeoutMs` after sign-in. `onEnded` lets the desktop sign an agent out of the floor.
 *
 * With `records` (the database, src/store/session-repository.ts) sessions survive a restart:
 * every change is written there in order, and a session unknown to this process is read back
 * the first time its cookie is seen (`warm`, called before each request is authenticated).
 * The last-seen time is written at most once per `touchEveryMs`, so a restart may shorten a
 * session's idle time by that much. The desk a session holds (agent code, station, pause) is
 * kept with it, so the agent returns to the floor when that desk reconnects after a restart.
 */
import { randomBytes } from 'node:crypto';
import type { Pause } from '../domain/agent-shift.ts';
import type { Account, AccountRole } from './accounts.ts';

/** The agent code and station a session holds at the desktop, and the pause to return to. */
export interface DeskHold {
  agentCode: string;
  stationId: string;
  pause: Pause | null;
}

export interface Session {
  id: string;
  csrfToken: string;
  username: string;
  role: AccountRole;
  /** The agent code the account is tied to, if any. */
  accountAgentCode: string | null;
  accountStationId: string | null;
  /** Origin the browser signed in from (used to judge whether a CRM page may be framed). */
  origin: string | null;
  createdAt: number;
  lastSeenAt: number;
  desk: DeskHold | null;
}

export type SessionRecord = Session;

/** Where sessions are kept across restarts. */
export interface SessionRecords {
  save(session: SessionRecord): Promise<void>;
  touch(id: string, lastSeenAt: number): Promise<void>;
  load(id: string): Promise<SessionRecord | undefined>;
  remove(id: string): Promise<void>;
  /** Deletes sessions idle since before `seenBefore` or created before `createdBefore`. */
  removeExpired(seenBefore: number, createdBefore: number): Promise<number>;
}

export interface SessionStoreOptions {
  now(): number;
  idleTimeoutMs?: number;
  absoluteTimeoutMs?: number;
  /** Oldest sessions are dropped past this many. */
  maxSessions?: number;
  onEnded?(session: Session, reason: 'signed-out' | 'expired' | 'evicted'): void;
  records?: SessionRecords;
  /** A write to `records` failed (the session goes on in memory). */
  onWriteError?(error: unknown): void;
  touchEveryMs?: number;
}

export interface SessionStore {
  create(account: Account, origin: string | null): Session;
  /** The live session with this id (refreshing its idle timer), or undefined. */
  get(id: string): Session | undefined;
  /** Reads a session this process does not hold yet from `records` (after a restart). */
  warm(id: string): Promise<void>;
  /** Records the desk the session holds (null: none). */
  setDesk(id: string, desk: DeskHold | null): void;
  destroy(id: string): void;
  all(): Session[];
  /** Drops expired sessions (called on every create; cheap enough to call from a timer too). */
  sweep(): void;
  /** Resolves when every change so far is written (tests, shutdown). */
  flush(): Promise<void>;
}

const token = () => randomBytes(32).toString('base64url');
const RECORDS_SWEEP_MS = 5 * 60_000;

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const idle = options.idleTimeoutMs ?? 8 * 3600_000;
  const absolute = options.absoluteTimeoutMs ?? 24 * 3600_000;
  const max = options.maxSessions ?? 10_000;
  const touchEvery = options.touchEveryMs ?? 60_000;
  const { records } = options;
  const sessions = new Map<string, Session>();
  const writtenSeenAt = new Map<string, number>();
  let writes: Promise<void> = Promise.resolve();
  let recordsSweptAt = -Infinity;

  // One chain, so the database sees the changes in the order they were made.
  const write = (change: (r: SessionRecords) => Promise<unknown>) => {
    if (!records) return;
    writes = writes.then(() => change(records)).then(
      () => undefined,
      (error: unknown) => options.onWriteError?.(error),
    );
  };
  const save = (s: Session) => {
    writtenSeenAt.set(s.id, s.lastSeenAt);
    const copy = { ...s, desk: s.desk ? { ...s.desk } : null };
    write((r) => r.save(copy));
  };

  const expired = (s: Session, now: number) => now - s.lastSeenAt > idle || now - s.createdAt > absolute;
  const end = (s: Session, reason: 'signed-out' | 'expired' | 'evicted') => {
    if (!sessions.delete(s.id)) return;
    writtenSeenAt.delete(s.id);
    write((r) => r.remove(s.id));
    options.onEnded?.(s, reason);
  };

  const store: SessionStore = {
    create(account, origin) {
      store.sweep();
      while (sessions.size >= max) end(sessions.values().next().value!, 'evicted');
      const now = options.now();
      const session: Session = {
        id: token(),
        csrfToken: token(),
        username: account.username,
        role: account.role,
        accountAgentCode: account.agentCode,
        accountStationId: account.stationId,
        origin,
        createdAt: now,
        lastSeenAt: now,
        desk: null,
      };
      sessions.set(session.id, session);
      save(session);
      return session;
    },
    get(id) {
      const s = sessions.get(id);
      if (!s) return undefined;
      const now = options.now();
      if (expired(s, now)) {
        end(s, 'expired');
        return undefined;
      }
      s.lastSeenAt = now;
      if (now - (writtenSeenAt.get(id) ?? 0) >= touchEvery) {
        writtenSeenAt.set(id, now);
        write((r) => r.touch(id, now));
      }
      return s;
    },
    async warm(id) {
      if (!records || sessions.has(id)) return;
      await writes;
      const found = await records.load(id).catch((error: unknown) => (options.onWriteError?.(error), undefined));
      if (!found || sessions.has(id)) return;
      if (expired(found, options.now())) {
        write((r) => r.remove(id));
        return;
      }
      sessions.set(id, found);
      writtenSeenAt.set(id, found.lastSeenAt);
    },
    setDesk(id, desk) {
      const s = sessions.get(id);
      if (!s) return;
      s.desk = desk;
      save(s);
    },
    destroy(id) {
      const s = sessions.get(id);
      if (s) end(s, 'signed-out');
    },
    all: () => [...sessions.values()],
    sweep() {
      const now = options.now();
      for (const s of [...sessions.values()]) if (expired(s, now)) end(s, 'expired');
      if (records && now - recordsSweptAt >= RECORDS_SWEEP_MS) {
        recordsSweptAt = now;
        write((r) => r.removeExpired(now - idle, now - absolute));
      }
    },
    flush: () => writes,
  };
  return store;
}
