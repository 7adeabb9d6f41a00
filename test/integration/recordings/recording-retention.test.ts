/**
 * Recording retention in virtual time, on SQLite and PostgreSQL, through the real service:
 * a recording whose call ended longer ago than its profile keeps recordings is deleted (file
 * gone, row marked, audit row written) unless a legal hold is on the call or its campaign; a
 * profile with no retention keeps everything; the deleted recording's link answers 410 with
 * its own message (an expired link another, a tampered one 403) and the attempts view gives no
 * link for it but its deletion time; listens and downloads,
 * through the signed link and through /ops, are audited once each (a seek is not a new listen).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/clock/virtual-clock.ts';
import { createLinkSigner } from '../../../src/recordings/signed-links.ts';
import { toneWavChunks } from '../../../src/recordings/wav.ts';
import { attemptEnd, answered, contacts, dial, newCampaign } from '../../contract/store-conformance/fixtures.ts';
import { DIALECTS } from '../../support/databases.ts';
import { startService, type RunningService } from '../../support/service-harness.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** 2026-03-01 09:00 in Ho Chi Minh City: "now" of the virtual clock. */
const NOW = Date.UTC(2026, 2, 1, 2, 0, 0);
const SECRET = 'retention-test-secret';

interface Seeded {
  callId: string;
  key: string;
}

/** A campaign with one answered call per entry of `endedAgo`, each with a stored WAV recording. */
async function seedCalls(svc: RunningService, campaignId: number, typeId: number | null, endedAgo: number[], agentCode = 'A01'): Promise<Seeded[]> {
  const { store, recordings } = svc.service;
  const ids = endedAgo.map((_, i) => i + 1);
  await store.createCampaign(newCampaign(campaignId, { typeId, startsAt: NOW - 60 * DAY, endsAt: NOW + DAY, receivedAt: NOW - 61 * DAY }), contacts(...ids));
  const out: Seeded[] = [];
  for (const [i, ago] of endedAgo.entries()) {
    const endedAt = NOW - ago;
    const startedAt = endedAt - 60_000;
    const callId = await dial(store, campaignId, i + 1, 1, startedAt);
    const stored = await recordings.save(callId, 'audio/wav', () => (async function* () {
      yield* toneWavChunks({ seconds: 2, frequencyHz: 440, seed: i + 1 });
    })());
    const end = attemptEnd(campaignId, i + 1, callId, 'ANSWERED', startedAt, endedAt, answered);
    await store.endAttempt({ ...end, agentCode, recordingKey: stored.key });
    out.push({ callId, key: stored.key });
  }
  return out;
}

describe.each(DIALECTS)('recording retention and audit, on %s', (dialect) => {
  let svc: RunningService | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await svc?.stop();
    svc = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start() {
    dir = mkdtempSync(join(tmpdir(), 'ccs-retention-'));
    const configPath = join(dir, 'ccs.json');
    // Default profile: 30 days. Type 7 ("archive"): kept for ever.
    writeFileSync(configPath, JSON.stringify({ defaultProfile: { recordingRetentionDays: 30 }, profiles: [{ name: 'archive', typeIds: [7], recordingRetentionDays: 0 }] }));
    const clock = new VirtualClock(NOW);
    svc = await startService(dialect, { CCS_CONFIG: configPath, CCS_SIGNING_SECRET: SECRET }, { clock });
    return { svc, clock };
  }

  /** Moves virtual time on and waits for the retention pass it started to finish. */
  const pass = async (clock: VirtualClock, to: number) => {
    await clock.advanceTo(to);
    await svc!.service.retention.idle();
  };
  const fileOf = (svc: RunningService, key: string) => join(svc.service.config.recordings.dir, key);
  const linkOf = async (svc: RunningService, campaignId: number, callId: string) => {
    const attempts = (await svc.request('GET', `/ops/campaigns/${campaignId}/attempts`)).json.attempts as { callid: string; recording: string | null }[];
    return new URL(attempts.find((a) => a.callid === callId)!.recording!);
  };
  const audit = async (svc: RunningService, callId: string) => (await svc.request('GET', `/ops/recordings/audit?callId=${callId}`)).json.entries as { action: string; via: string; actor: string }[];

  it('deletes expired recordings, keeps held ones and those of a profile without retention, audits each deletion, and answers 410 "deleted" on their links', async () => {
    const { svc, clock } = await start();
    // Campaign 1 (default profile, 30 days): ended 40 d ago, 40 d ago (held), 30 d - 30 min ago, 5 d ago.
    const [old, held, almost, recent] = await seedCalls(svc, 1, null, [40 * DAY, 40 * DAY, 30 * DAY - 30 * 60_000, 5 * DAY]);
    // Campaign 2 (default profile) under a campaign hold; campaign 3 (archive profile) keeps everything.
    const [campaignHeld] = await seedCalls(svc, 2, 1, [50 * DAY]);
    const [archived] = await seedCalls(svc, 3, 7, [400 * DAY]);
    const oldLink = await linkOf(svc, 1, old!.callId);

    expect((await svc.request('POST', `/ops/recordings/${held!.callId}/hold`, { body: { held: true, reason: 'court order 12/2026' } })).json.heldCall).toBe(true);
    expect((await svc.request('POST', '/ops/recordings/holds/campaign/2', { body: { held: true } })).json).toEqual({ campaignid: 2, held: true });
    expect((await svc.request('GET', '/ops/recordings/holds')).json.holds).toEqual([
      { scope: 'call', ref: held!.callId, setBy: 'local', setAt: '2026-03-01 09:00:00', reason: 'court order 12/2026' },
      { scope: 'campaign', ref: '2', setBy: 'local', setAt: '2026-03-01 09:00:00', reason: null },
    ]);
    expect((await svc.request('POST', `/ops/recordings/${held!.callId}/hold`, { body: { held: 'yes' } })).status).toBe(400);

    await pass(clock, NOW + 2_000); // the first pass, a second after start

    const row = async (callId: string) => (await svc.request('GET', `/ops/recordings/${callId}`)).json;
    expect(await row(old!.callId)).toMatchObject({ deleted: true, deletedAt: '2026-03-01 09:00:01' });
    expect(existsSync(fileOf(svc, old!.key))).toBe(false);
    for (const kept of [held!, almost!, recent!, campaignHeld!, archived!]) {
      expect((await row(kept.callId)).deleted).toBe(false);
      expect(existsSync(fileOf(svc, kept.key))).toBe(true);
    }
    expect(await audit(svc, old!.callId)).toEqual([expect.objectContaining({ action: 'delete', via: 'retention', actor: 'retention' })]);
    expect((await audit(svc, held!.callId)).map((e) => e.action)).toEqual(['hold']);

    // The link the CRM holds now says the recording was deleted, not that the link expired.
    const gone = await fetch(oldLink);
    expect(gone.status).toBe(410);
    const body = (await gone.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('recording-deleted');
    expect(body.error.message).toContain('deleted on 2026-03-01 09:00:01 under the retention policy');
    expect((await svc.request('GET', `/ops/recordings/${old!.callId}/audio`)).status).toBe(410);

    // The campaign's attempts view offers no link to it, only when it was deleted.
    const attempts = (await svc.request('GET', '/ops/campaigns/1/attempts')).json.attempts as { callid: string; recording: string | null; recordingDeletedAt: string | null }[];
    expect(attempts.find((a) => a.callid === old!.callId)).toMatchObject({ recording: null, recordingDeletedAt: '2026-03-01 09:00:01' });
    const kept = attempts.find((a) => a.callid === recent!.callId)!;
    expect(kept.recordingDeletedAt).toBeNull();
    expect(kept.recording).toMatch(/^http/);

    // An hour later (the next pass) the one within 30 minutes of expiry is gone too; the rest stay.
    await pass(clock, NOW + HOUR + 2_000);
    expect((await row(almost!.callId)).deleted).toBe(true);
    expect(existsSync(fileOf(svc, almost!.key))).toBe(false);
    expect((await row(recent!.callId)).deleted).toBe(false);

    // Lifting the hold lets the next pass delete it, and both changes are audited.
    await svc.request('POST', `/ops/recordings/${held!.callId}/hold`, { body: { held: false } });
    await pass(clock, NOW + 2 * HOUR + 2_000);
    expect((await row(held!.callId)).deleted).toBe(true);
    expect((await audit(svc, held!.callId)).map((e) => e.action)).toEqual(['delete', 'release', 'hold']);
    expect((await row(campaignHeld!.callId)).deleted).toBe(false);
    expect((await row(archived!.callId)).deleted).toBe(false);
  });

  it('an expired link and a tampered link keep their own answers (410 link-expired, 403)', async () => {
    const { svc } = await start();
    const [rec] = await seedCalls(svc, 1, null, [DAY]);
    const link = await linkOf(svc, 1, rec!.callId);
    const tampered = new URL(link);
    tampered.searchParams.set('sig', 'x'.repeat(43));
    const refused = await fetch(tampered);
    await refused.text();
    expect(refused.status).toBe(403);
    // A link signed with the service's secret that ran out a day before the clock's now.
    const expiredSigner = createLinkSigner({ secret: SECRET, baseUrl: svc.url, ttlSeconds: -86_400 });
    const expired = await fetch(expiredSigner.urlFor(rec!.key, NOW));
    expect(expired.status).toBe(410);
    expect(((await expired.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'link-expired', message: 'This recording link has expired; ask for a new link.' });
  });

  it('audits each listen and download once, through the signed link and through /ops; seeking is not a new listen', async () => {
    const { svc } = await start();
    const [rec] = await seedCalls(svc, 1, null, [DAY]);
    const link = await linkOf(svc, 1, rec!.callId);

    // Bodies are read to the end, so no response is left open when the service stops.
    const hit = async (headers: Record<string, string> = {}) => {
      const r = await fetch(link, { headers });
      await r.arrayBuffer();
      return r.status;
    };
    expect(await hit()).toBe(200); // a download
    expect(await hit({ range: 'bytes=0-' })).toBe(206); // a player starts
    expect(await hit({ range: 'bytes=20000-' })).toBe(206); // it seeks
    const viaLink = await audit(svc, rec!.callId);
    expect(viaLink.map((e) => `${e.action}/${e.via}`)).toEqual(['listen/signed-link', 'download/signed-link']);
    expect(viaLink[0]!.actor).toBe('link 127.0.0.1');

    const listen = await svc.request('GET', `/ops/recordings/${rec!.callId}/audio`, { headers: { range: 'bytes=0-' } });
    expect(listen.status).toBe(206);
    expect((await svc.request('GET', `/ops/recordings/${rec!.callId}/audio`, { headers: { range: 'bytes=30000-' } })).status).toBe(206);
    const download = await svc.request('GET', `/ops/recordings/${rec!.callId}/download`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${rec!.callId}.wav"`);
    const all = await audit(svc, rec!.callId);
    expect(all.map((e) => `${e.action}/${e.via}/${e.actor}`)).toEqual(['download/ops/local', 'listen/ops/local', 'listen/signed-link/link 127.0.0.1', 'download/signed-link/link 127.0.0.1']);
  });
});
