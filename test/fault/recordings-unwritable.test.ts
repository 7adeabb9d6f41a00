/**
 * A recordings folder that refuses writes for a while (read-only, full disk), on the real
 * engine and simulated floor in virtual time, SQLite and PostgreSQL. A recording that cannot
 * be stored is tried again before its call is reported: when the folder comes back within
 * the bound (60 s) every ANSWERED update carries a link to a stored recording; past the bound
 * the update goes out without one, never later than the bound, and the loss is counted in
 * `ccs_recordings_lost_total` and named by the readiness check. Every update precedes the finish.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { RecordingStore } from '../../src/ports/recording-store.ts';
import { createFileRecordingStore } from '../../src/recordings/file-recording-store.ts';
import { RecordingHealth } from '../../src/recordings/recording-health.ts';
import { createRetryingRecordingStore, RECORDING_RETRY_FOR_MS } from '../../src/recordings/retrying-recording-store.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { VirtualClock } from '../../src/clock/virtual-clock.ts';
import { DIALECTS } from '../support/databases.ts';
import { answers, contactsFor, HOUR, phoneNumbers, SECOND, startEngineHarness, T0, type EngineHarness } from '../support/engine-harness.ts';

interface Folder {
  health: RecordingHealth;
  files: RecordingStore;
  /** Instants (virtual) during which every write fails. */
  refuse: { from: number; until: number };
  dir: string;
}

/** The file store over a temporary folder that refuses writes in `refuse`, behind the retrying store. */
function unwritableFolder(folder: Folder) {
  return (clock: VirtualClock) => {
    let writing = 0;
    const faulty: RecordingStore = {
      locate: (key) => folder.files.locate(key),
      async save(callId, contentType, data) {
        writing++;
        try {
          const now = clock.now();
          if (now >= folder.refuse.from && now < folder.refuse.until) {
            throw Object.assign(new Error(`EROFS: read-only file system, open '${folder.dir}/.tmp'`), { code: 'EROFS' });
          }
          return await folder.files.save(callId, contentType, data);
        } finally {
          writing--;
        }
      },
    };
    const store = createRetryingRecordingStore(faulty, { clock, logger: silentLogger, health: folder.health });
    return {
      store,
      // Writes in progress are real I/O; a save waiting on the clock for its next try is not.
      // Bounded in real time, not in turns of the event loop: on a loaded machine a file write
      // outlasts a thousand idle turns, and the virtual clock must not run past it meanwhile.
      async idle() {
        const giveUpAt = Date.now() + 30_000;
        while (writing > 0 && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 1));
      },
    };
  };
}

const keyOf = (link: string) => decodeURIComponent(new URL(link).pathname.replace(/^\/recordings\//, ''));

describe.each(DIALECTS)('recordings folder refusing writes, on %s', (dialect) => {
  let h: EngineHarness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (refuse: { from: number; until: number }) => {
    dir = mkdtempSync(join(tmpdir(), 'ccs-rec-fault-'));
    const folder: Folder = { health: new RecordingHealth(), files: createFileRecordingStore(dir, { fsync: false }), refuse, dir };
    h = await startEngineHarness({ dialect, sim: { agents: 6 }, fallback: answers(2, 8), recordings: unwritableFolder(folder) });
    return { h, folder };
  };

  /** The outbox as the CRM will receive it: updates in write order, then the finish. */
  const callbacks = async (h: EngineHarness, campaignId: number) => (await h.store.listCallbacks({ campaignId, limit: 1000 })).sort((a, b) => a.id - b.id);

  it('25 s of refused writes: every ANSWERED update carries a working link once the folder is writable again', async () => {
    const { h, folder } = await start({ from: T0 + 5 * SECOND, until: T0 + 30 * SECOND });
    const campaignId = 51;
    await h.sendCampaign({ id: campaignId, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(40)) });
    await h.clock.advanceBy(20 * SECOND);
    const readyDuringOutage = folder.health.readiness(h.clock.now());
    expect(await h.runUntilFinished(campaignId, HOUR, 10 * SECOND)).toBe(true);

    const updates = await h.updates(campaignId);
    const answered = updates.filter((u) => u.status === 'ANSWERED');
    expect(answered).toHaveLength(40);
    // Calls ended during the outage: their recordings were tried again, none was lost.
    expect(folder.health.retriesTotal).toBeGreaterThan(0);
    expect(folder.health.lostTotal).toBe(0);
    for (const u of answered) {
      expect(u.link_down_record, u.callid).toMatch(/^http:\/\/ccs\.test\/recordings\//);
      expect(await folder.files.locate(keyOf(u.link_down_record!)), u.callid).not.toBeNull();
    }
    expect(readyDuringOutage).toMatchObject({ ok: false, reason: expect.stringContaining('EROFS') });
    expect(folder.health.readiness(h.clock.now())).toEqual({ ok: true });
    const rows = await callbacks(h, campaignId);
    expect(rows.at(-1)!.kind).toBe('finish');
    expect(rows.filter((r) => r.kind === 'finish')).toHaveLength(1);
    expect(JSON.parse(rows.at(-1)!.payload)).toEqual({ campaignid: campaignId, status: 'completed', contact_total: 40, contact_success: 40 });
  });

  it('while a recording is retried the call is over: its agent and the capacity are free at once, and the update waits for the link', async () => {
    const { h, folder } = await start({ from: T0, until: T0 + 40 * SECOND });
    const campaignId = 53;
    await h.sendCampaign({ id: campaignId, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(3)) });
    const firstPending = () => h.events.find((e) => e.type === 'ended' && e.recordingLater !== undefined);
    for (let i = 0; i < 60 && !firstPending(); i++) await h.clock.advanceBy(SECOND);
    const ended = firstPending();
    expect(ended, 'a call ended while its recording was being retried').toBeDefined();
    const callId = (ended as { callId: string }).callId;
    const connected = h.events.find((e) => e.type === 'connected' && e.callId === callId) as { agentCode: string } | undefined;
    // Right after the end, the recording still retrying: the agent is no longer talking, the call no longer live.
    expect(folder.health.lostTotal).toBe(0);
    expect(h.engine.agents().find((a) => a.agentCode === connected!.agentCode)?.activity).toMatch(/^(idle|wrap-up)$/);
    expect(h.engine.liveCalls().map((c) => c.callId)).not.toContain(callId);
    // Only the outcome and its update wait: the attempt is still open and nothing went to the CRM for it.
    expect((await h.store.getAttempt(callId))?.state).not.toBe('ended');
    expect((await h.updates(campaignId)).find((u) => u.callid === callId)).toBeUndefined();

    expect(await h.runUntilFinished(campaignId, HOUR, 10 * SECOND)).toBe(true);
    const update = (await h.updates(campaignId)).find((u) => u.callid === callId)!;
    expect(update.status).toBe('ANSWERED');
    expect(update.link_down_record).toMatch(/^http:\/\/ccs\.test\/recordings\//);
    expect(await folder.files.locate(keyOf(update.link_down_record!))).not.toBeNull();
    expect(folder.health.lostTotal).toBe(0);
    const rows = await callbacks(h, campaignId);
    expect(rows.at(-1)!.kind).toBe('finish');
    expect(rows.filter((r) => r.kind === 'update')).toHaveLength(3);
    expect(JSON.parse(rows.at(-1)!.payload)).toMatchObject({ contact_total: 3, contact_success: 3 });
  });

  it('writes refused past the bound: updates go out without a link no later than the bound, each loss counted in the metric and in readiness', async () => {
    const { h, folder } = await start({ from: T0 + 5 * SECOND, until: T0 + 200 * SECOND });
    const metrics = createMetrics({ store: h.store, engine: h.engine, now: () => h.clock.now(), recordings: folder.health });
    const campaignId = 52;
    await h.sendCampaign({ id: campaignId, startsAt: T0, endsAt: T0 + HOUR, contacts: contactsFor(phoneNumbers(40)) });
    expect(await h.runUntilFinished(campaignId, HOUR, 10 * SECOND)).toBe(true);

    const answered = (await h.updates(campaignId)).filter((u) => u.status === 'ANSWERED');
    expect(answered).toHaveLength(40);
    const withoutLink = answered.filter((u) => u.link_down_record === null);
    expect(withoutLink.length).toBeGreaterThan(0);
    expect(folder.health.lostTotal).toBe(withoutLink.length);
    expect(await metrics.registry.getSingleMetricAsString('ccs_recordings_lost_total')).toContain(`ccs_recordings_lost_total ${withoutLink.length}`);
    for (const u of answered.filter((x) => x.link_down_record !== null)) expect(await folder.files.locate(keyOf(u.link_down_record!))).not.toBeNull();
    // No update waited longer than the bound for its recording.
    for (const e of h.events) if (e.type === 'ended') expect(e.seenAt - e.at).toBeLessThanOrEqual(RECORDING_RETRY_FOR_MS);
    // Agents did not wait for the recordings: the campaign is over while the folder still
    // refuses writes, and readiness says both that and the losses.
    expect(h.clock.now()).toBeLessThan(T0 + 200 * SECOND);
    const readiness = folder.health.readiness(h.clock.now());
    expect(readiness.ok).toBe(false);
    expect(readiness.reason).toContain('recordings cannot be stored');
    expect(readiness.reason).toContain(`${withoutLink.length} recording(s) lost`);
    const rows = await callbacks(h, campaignId);
    expect(rows.at(-1)!.kind).toBe('finish');
    expect(rows.filter((r) => r.kind === 'update')).toHaveLength(40);
  });
});
