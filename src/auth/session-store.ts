/**
 * Signed-in browser sessions, in memory: a random id (the cookie) mapped to the account and a
 * per-session CSRF token. A session ends when its user signs out, after `idleTimeoutMs`
 * without a request, or `absoluteTimeoutMs` after sign-in. Sessions do not survive a restart:
 * users sign in again. `onEnded` lets the desktop sign an agent out of the floor.
 */
import { randomBytes } from 'node:crypto';
import type { Account, AccountRole } from './accounts.ts';

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
}

export interface SessionStoreOptions {
  now(): number;
  idleTimeoutMs?: number;
  absoluteTimeoutMs?: number;
  /** Oldest sessions are dropped past this many. */
  maxSessions?: number;
  onEnded?(session: Session, reason: 'signed-out' | 'expired' | 'evicted'): void;
}

export interface SessionStore {
  create(account: Account, origin: string | null): Session;
  /** The live session with this id (refreshing its idle timer), or undefined. */
  get(id: string): Session | undefined;
  destroy(id: string): void;
  all(): Session[];
  /** Drops expired sessions (called on every create; cheap enough to call from a timer too). */
  sweep(): void;
}

const token = () => randomBytes(32).toString('base64url');

export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const idle = options.idleTimeoutMs ?? 8 * 3600_000;
  const absolute = options.absoluteTimeoutMs ?? 24 * 3600_000;
  const max = options.maxSessions ?? 10_000;
  const sessions = new Map<string, Session>();

  const expired = (s: Session, now: number) => now - s.lastSeenAt > idle || now - s.createdAt > absolute;
  const end = (s: Session, reason: 'signed-out' | 'expired' | 'evicted') => {
    if (!sessions.delete(s.id)) return;
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
      };
      sessions.set(session.id, session);
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
      return s;
    },
    destroy(id) {
      const s = sessions.get(id);
      if (s) end(s, 'signed-out');
    },
    all: () => [...sessions.values()],
    sweep() {
      const now = options.now();
      for (const s of [...sessions.values()]) if (expired(s, now)) end(s, 'expired');
    },
  };
  return store;
}
