/**
 * Sessions kept in the database survive a restart: a new process over the same database knows
 * the cookie, its CSRF token and the desk it held; sign-out and expiry remove them. SQLite and
 * PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Account } from '../../src/auth/accounts.ts';
import { createSessionStore, type Session } from '../../src/auth/session-store.ts';
import { sessionIdHash, sessionRepository } from '../../src/store/session-repository.ts';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';

const agent: Account = { username: 'lan', passwordHash: 'x', role: 'agent', agentCode: 'Agent/1001', stationId: '1001' };
const supervisor: Account = { username: 'supervisor', passwordHash: 'x', role: 'supervisor', agentCode: null, stationId: null };

let opened: SqlDatabase[] = [];
let database: TestDatabase | undefined;
afterEach(async () => {
  for (const o of opened) await o.store.close();
  opened = [];
  await database?.drop();
  database = undefined;
});

describe.each(DIALECTS)('sessions in the database (%s)', (dialect) => {
  let now = 1_700_000_000_000;
  /** One process: its own connection and session store over the shared database. */
  async function process(options: { idleTimeoutMs?: number } = {}) {
    database ??= await createTestDatabase(dialect);
    const o = await openSqlDatabase(database.url);
    opened.push(o);
    const ended: string[] = [];
    const sessions = createSessionStore({ now: () => now, records: sessionRepository(o.db), onEnded: (s: Session, reason) => ended.push(`${s.username}:${reason}`), ...options });
    return { sessions, db: o.db, ended };
  }

  it('a session signed in before a restart is still signed in after it, with the same CSRF token and desk', async () => {
    const first = await process();
    const lan = first.sessions.create(agent, 'http://ccs.test');
    const boss = first.sessions.create(supervisor, null);
    first.sessions.setDesk(lan.id, { agentCode: 'Agent/1001', stationId: '1001', pause: { reason: 'lunch' } });
    await first.sessions.flush();

    const second = await process();
    expect(second.sessions.get(lan.id)).toBeUndefined();
    await second.sessions.warm(lan.id);
    await second.sessions.warm(boss.id);
    expect(second.sessions.get(lan.id)).toMatchObject({
      id: lan.id,
      csrfToken: lan.csrfToken,
      username: 'lan',
      role: 'agent',
      accountAgentCode: 'Agent/1001',
      origin: 'http://ccs.test',
      desk: { agentCode: 'Agent/1001', stationId: '1001', pause: { reason: 'lunch' } },
    });
    expect(second.sessions.get(boss.id)).toMatchObject({ username: 'supervisor', role: 'supervisor', csrfToken: boss.csrfToken, desk: null });
  });

  it('stores only a hash of the session id, so the table alone signs nobody in', async () => {
    const first = await process();
    const lan = first.sessions.create(agent, null);
    await first.sessions.flush();
    const rows = await first.db.selectFrom('ui_sessions' as never).selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(lan.id);
    expect(rows.map((r) => (r as { id_hash: string }).id_hash)).toEqual([sessionIdHash(lan.id)]);
  });

  it('a signed-out session stays signed out after a restart; an unknown cookie is no session', async () => {
    const first = await process();
    const lan = first.sessions.create(agent, null);
    first.sessions.destroy(lan.id);
    await first.sessions.flush();
    const second = await process();
    await second.sessions.warm(lan.id);
    await second.sessions.warm('forged-cookie');
    expect(second.sessions.get(lan.id)).toBeUndefined();
    expect(second.sessions.get('forged-cookie')).toBeUndefined();
  });

  it('a session idle past the timeout across the restart is not restored', async () => {
    const first = await process({ idleTimeoutMs: 60_000 });
    const lan = first.sessions.create(agent, null);
    await first.sessions.flush();
    now += 61_000;
    const second = await process({ idleTimeoutMs: 60_000 });
    await second.sessions.warm(lan.id);
    expect(second.sessions.get(lan.id)).toBeUndefined();
  });

  it('the desk given up (shift ended) is not brought back', async () => {
    const first = await process();
    const lan = first.sessions.create(agent, null);
    first.sessions.setDesk(lan.id, { agentCode: 'Agent/1001', stationId: '1001', pause: null });
    first.sessions.setDesk(lan.id, null);
    await first.sessions.flush();
    const second = await process();
    await second.sessions.warm(lan.id);
    expect(second.sessions.get(lan.id)?.desk).toBeNull();
  });
});
