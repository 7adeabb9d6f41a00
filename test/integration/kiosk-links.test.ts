/**
 * Kiosk links in the database (SQLite and PostgreSQL): only the token's hash is stored, a token
 * finds its link by hash, revoking is once and only for a live link, and the list keeps revoked
 * links with who revoked them. Over HTTP on a running service (both databases): creating,
 * listing and revoking through /ops; the wallboard answers for a live link, 410 after the
 * revocation (its open stream is told and ends), 401 for an unknown or malformed token; bad
 * names answer 400 and create nothing.
 */
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { isKioskTokenShape, kioskTokenHash, newKioskToken } from '../../src/auth/kiosk-links.ts';
import { kioskLinkRepository } from '../../src/store/kiosk-link-repository.ts';
import { openSqlDatabase, type SqlDatabase } from '../../src/store/sql-store.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../support/databases.ts';
import { startService, type RunningService } from '../support/service-harness.ts';

let opened: SqlDatabase | undefined;
let database: TestDatabase | undefined;
let svc: RunningService | undefined;
afterEach(async () => {
  await opened?.store.close();
  opened = undefined;
  await database?.drop();
  database = undefined;
  await svc?.stop();
  svc = undefined;
});

/** Reads an SSE response until `until` matches the text so far or the stream ends; bounded by `ms`. */
async function readStream(response: Response, until: (text: string) => boolean, ms = 5000): Promise<{ text: string; ended: boolean }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + ms;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return { text, ended: false };
    const next = await Promise.race([reader.read(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), left))]);
    if (next === 'timeout') {
      void reader.cancel();
      return { text, ended: false };
    }
    if (next.done) return { text, ended: true };
    text += decoder.decode(next.value, { stream: true });
    if (until(text)) {
      reader.releaseLock();
      return { text, ended: false };
    }
  }
}

describe.each(DIALECTS)('kiosk links in the database (%s)', (dialect) => {
  it('stores only the hash of the token, finds the link by it, and revokes a live link once', async () => {
    database = await createTestDatabase(dialect);
    opened = await openSqlDatabase(database.url);
    const links = kioskLinkRepository(opened.db);
    const token = newKioskToken();
    expect(isKioskTokenShape(token)).toBe(true);
    expect(newKioskToken()).not.toBe(token);

    const made = await links.create({ name: 'Floor 2 TV', tokenHash: kioskTokenHash(token), createdBy: 'supervisor', createdAt: 1_000 });
    const other = await links.create({ name: 'Lobby', tokenHash: kioskTokenHash(newKioskToken()), createdBy: 'admin', createdAt: 2_000 });
    expect(made).toMatchObject({ name: 'Floor 2 TV', createdBy: 'supervisor', createdAt: 1_000, revokedAt: null, lastSeenAt: null });

    const rows = await (opened.db as Kysely<any>).selectFrom('kiosk_links').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.map((r: any) => r.token_hash)).toContain(kioskTokenHash(token));

    expect((await links.findByHash(kioskTokenHash(token)))?.id).toBe(made.id);
    expect(await links.findByHash(kioskTokenHash(newKioskToken()))).toBeUndefined();
    await links.touch(made.id, 1_500);
    expect((await links.findByHash(kioskTokenHash(token)))?.lastSeenAt).toBe(1_500);

    expect(await links.revoke(made.id, 'supervisor', 3_000)).toBe(true);
    expect(await links.revoke(made.id, 'admin', 4_000)).toBe(false);
    expect(await links.revoke(9999, 'admin', 4_000)).toBe(false);
    expect(await links.activeIds()).toEqual([other.id]);
    const listed = await links.list();
    expect(listed.map((l) => l.id)).toEqual([other.id, made.id]);
    expect(listed[1]).toMatchObject({ revokedAt: 3_000, revokedBy: 'supervisor' });
    expect((await links.findByHash(kioskTokenHash(token)))?.revokedAt).toBe(3_000);
  });

  it('over HTTP: a created link opens the wallboard until it is revoked, then answers 410 and its open stream ends', async () => {
    svc = await startService(dialect, { CCS_OPERATOR_TOKEN: 'ops-token' });
    const ops = { authorization: 'Bearer ops-token' };

    const bad = await svc.request('POST', '/ops/kiosk-links', { body: { name: '   ' }, headers: ops });
    expect(bad.status).toBe(400);
    expect((await svc.request('POST', '/ops/kiosk-links', { body: { name: 'x'.repeat(81) }, headers: ops })).status).toBe(400);
    expect((await svc.request('POST', '/ops/kiosk-links', { body: {}, headers: ops })).status).toBe(400);
    expect((await svc.request('GET', '/ops/kiosk-links', { headers: ops })).json).toEqual({ links: [] });

    const created = await svc.request('POST', '/ops/kiosk-links', { body: { name: 'Floor 2 TV' }, headers: ops });
    expect(created.status).toBe(201);
    const { id, token, url } = created.json as { id: number; token: string; url: string };
    expect(isKioskTokenShape(token)).toBe(true);
    expect(url).toMatch(new RegExp(`/wallboard\\?k=${token}$`));
    const listed = await svc.request('GET', '/ops/kiosk-links', { headers: ops });
    expect(listed.json.links).toEqual([expect.objectContaining({ id, name: 'Floor 2 TV', state: 'active', revokedAt: null })]);
    expect(listed.text).not.toContain(token);

    const board = await svc.request('GET', `/wallboard?k=${token}`);
    expect(board.status).not.toBe(302);
    const snapshot = await svc.request('GET', `/ui/wallboard?k=${token}`);
    expect(snapshot.status).toBe(200);
    expect(Object.keys(snapshot.json).sort()).toEqual(['agents', 'at', 'callbacks', 'calls', 'campaigns', 'crm']);

    const stream = await fetch(`${svc.url}/ui/wallboard/events?k=${token}`);
    expect(stream.status).toBe(200);
    const first = await readStream(stream, (text) => text.includes('"type":"wallboard"'));
    expect(first.text).toContain('"type":"wallboard"');
    expect((await svc.request('GET', '/ops/kiosk-links', { headers: ops })).json.links[0].lastSeenAt).not.toBeNull();

    const revoked = await svc.request('POST', `/ops/kiosk-links/${id}/revoke`, { headers: ops });
    expect(revoked.status).toBe(200);
    expect(revoked.json).toMatchObject({ id, state: 'revoked', revokedBy: 'operator' });
    // The revocation ends the open stream at once, with a `revoked` event first.
    const rest = await readStream(stream, () => false, 2000);
    expect(rest.ended).toBe(true);
    expect(rest.text).toContain('event: revoked');

    expect((await svc.request('GET', `/ui/wallboard?k=${token}`)).status).toBe(410);
    expect((await fetch(`${svc.url}/ui/wallboard/events?k=${token}`)).status).toBe(410);
    expect((await svc.request('POST', `/ops/kiosk-links/${id}/revoke`, { headers: ops })).status).toBe(404);
    expect((await svc.request('GET', `/ui/wallboard?k=${newKioskToken()}`)).status).toBe(401);
    expect((await svc.request('GET', '/ui/wallboard?k=not-a-token')).status).toBe(401);
    expect((await svc.request('GET', '/ui/wallboard')).status).toBe(401);
  });
});
