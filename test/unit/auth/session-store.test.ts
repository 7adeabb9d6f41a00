import { describe, expect, it } from 'vitest';
import type { Account } from '../../../src/auth/accounts.ts';
import { createSessionStore, type Session } from '../../../src/auth/session-store.ts';

const account: Account = { username: 'lan', passwordHash: 'x', role: 'agent', agentCode: 'Agent/1001', stationId: '1001' };

function store(options: { idleTimeoutMs?: number; absoluteTimeoutMs?: number; maxSessions?: number } = {}) {
  let now = 1_000_000;
  const ended: [string, string][] = [];
  const sessions = createSessionStore({ now: () => now, ...options, onEnded: (s: Session, reason) => ended.push([s.username, reason]) });
  return { sessions, ended, advance: (ms: number) => (now += ms) };
}

describe('session store', () => {
  it('gives every session its own unguessable id and CSRF token', () => {
    const { sessions } = store();
    const a = sessions.create(account, null);
    const b = sessions.create(account, null);
    expect(a.id).not.toBe(b.id);
    expect(a.csrfToken).not.toBe(a.id);
    expect(a.id.length).toBeGreaterThanOrEqual(43);
    expect(sessions.get(a.id)?.username).toBe('lan');
  });

  it('ends a session idle for longer than the idle timeout, and tells who ended', () => {
    const { sessions, ended, advance } = store({ idleTimeoutMs: 1000 });
    const s = sessions.create(account, null);
    advance(900);
    expect(sessions.get(s.id)).toBeDefined();
    advance(900);
    expect(sessions.get(s.id)).toBeDefined();
    advance(1001);
    expect(sessions.get(s.id)).toBeUndefined();
    expect(ended).toEqual([['lan', 'expired']]);
  });

  it('ends a session after the absolute timeout even while in use', () => {
    const { sessions, advance } = store({ idleTimeoutMs: 1000, absoluteTimeoutMs: 2500 });
    const s = sessions.create(account, null);
    for (let i = 0; i < 3; i++) {
      advance(800);
      sessions.get(s.id);
    }
    advance(200);
    expect(sessions.get(s.id)).toBeUndefined();
  });

  it('ends a signed-out session at once', () => {
    const { sessions, ended } = store();
    const s = sessions.create(account, null);
    sessions.destroy(s.id);
    expect(sessions.get(s.id)).toBeUndefined();
    expect(ended).toEqual([['lan', 'signed-out']]);
  });

  it('drops the oldest sessions beyond the maximum', () => {
    const { sessions, ended } = store({ maxSessions: 2 });
    const first = sessions.create(account, null);
    sessions.create(account, null);
    sessions.create(account, null);
    expect(sessions.get(first.id)).toBeUndefined();
    expect(sessions.all()).toHaveLength(2);
    expect(ended).toEqual([['lan', 'evicted']]);
  });
});
