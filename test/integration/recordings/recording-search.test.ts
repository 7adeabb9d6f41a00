/**
 * Searching recordings through /ops/recordings, on SQLite and PostgreSQL: each filter
 * (campaign, agent, part of the number, local dates, call status) narrows the answer to the
 * calls it names; calls without a recording never appear; bad filters answer 400 and name the
 * filter; the waveform of a stored WAV comes back as peaks with its duration. The agent's
 * wrap-up disposition (written as the desk writes it) is shown and filtered on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneWavChunks } from '../../../src/recordings/wav.ts';
import { dispositionRepository } from '../../../src/store/disposition-repository.ts';
import { openSqlDatabase } from '../../../src/store/sql-store.ts';
import { attemptEnd, answered, contacts, dial, exhausted, newCampaign, T0 } from '../../contract/store-conformance/fixtures.ts';
import { DIALECTS } from '../../support/databases.ts';
import { startService, type RunningService } from '../../support/service-harness.ts';

const DAY = 86_400_000;

describe.each(DIALECTS)('recording search, on %s', (dialect) => {
  let svc: RunningService;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    svc = await startService(dialect, { CCS_TIMEZONE: 'Asia/Ho_Chi_Minh' });
    const { store, recordings } = svc.service;
    // T0 is 2025-06-02 08:00 local. Campaign 5: A01 on day 0, A02 on day 1, an unanswered call
    // (no recording); campaign 6: A01 on day 2, ABANDONED with a recording.
    const plan = [
      { name: 'c5-a01', campaign: 5, contact: 1, agent: 'A01', at: T0, status: 'ANSWERED' as const },
      { name: 'c5-a02', campaign: 5, contact: 2, agent: 'A02', at: T0 + DAY, status: 'ANSWERED' as const },
      { name: 'c5-none', campaign: 5, contact: 3, agent: null, at: T0 + DAY, status: 'NO ANSWER' as const },
      { name: 'c6-a01', campaign: 6, contact: 4, agent: 'A01', at: T0 + 2 * DAY, status: 'ABANDONED' as const },
    ];
    await store.createCampaign(newCampaign(5), contacts(1, 2, 3));
    await store.createCampaign(newCampaign(6), contacts(4));
    for (const p of plan) {
      const callId = await dial(store, p.campaign, p.contact, 1, p.at);
      const key = p.status === 'NO ANSWER' ? null : (await recordings.save(callId, 'audio/wav', new Uint8Array(Buffer.concat([...toneWavChunks({ seconds: 1.5, frequencyHz: 440 })])))).key;
      await store.endAttempt({ ...attemptEnd(p.campaign, p.contact, callId, p.status, p.at, p.at + 30_000, p.status === 'ANSWERED' ? answered : exhausted), agentCode: p.agent, recordingKey: key });
      ids[p.name] = callId;
    }
    // The agent gives the first call a disposition, through the same repository the desk uses.
    const second = await openSqlDatabase(svc.service.config.databaseUrl);
    try {
      const saved = await dispositionRepository(second.db, second.dialect).recordDisposition({ callId: ids['c5-a01']!, code: 'SALE', by: 'A01', at: T0 + 60_000, reopen: null, callback: null, dnc: null, crmExtra: null });
      expect(saved.outcome).toBe('saved');
    } finally {
      await second.store.close();
    }
  });
  afterAll(async () => svc?.stop());

  const found = async (query: string) => {
    const r = await svc.request('GET', `/ops/recordings${query}`);
    expect(r.status).toBe(200);
    return (r.json.recordings as { callId: string }[]).map((x) => x.callId);
  };

  it('each filter narrows the answer to the calls it names; calls without a recording never appear', async () => {
    expect(await found('')).toEqual([ids['c6-a01'], ids['c5-a02'], ids['c5-a01']]);
    expect(await found('?campaignId=5')).toEqual([ids['c5-a02'], ids['c5-a01']]);
    expect(await found('?agent=A01')).toEqual([ids['c6-a01'], ids['c5-a01']]);
    expect(await found('?agent=A01&campaignId=6')).toEqual([ids['c6-a01']]);
    // Contact 2 dials +84900000002: any part of it finds it.
    expect(await found('?number=900000002')).toEqual([ids['c5-a02']]);
    expect(await found('?number=0900%20000%20002')).toEqual([ids['c5-a02']]);
    expect(await found('?number=%2B84900000002')).toEqual([ids['c5-a02']]);
    expect(await found('?from=2025-06-03&to=2025-06-03')).toEqual([ids['c5-a02']]);
    expect(await found('?from=2025-06-03%2008:00:00')).toEqual([ids['c6-a01'], ids['c5-a02']]);
    expect(await found('?to=2025-06-02')).toEqual([ids['c5-a01']]);
    expect(await found('?status=abandoned')).toEqual([ids['c6-a01']]);
    expect(await found('?limit=1&offset=1')).toEqual([ids['c5-a02']]);
    expect(await found('?disposition=SALE')).toEqual([ids['c5-a01']]);
    expect(await found('?disposition=NOT-INTERESTED')).toEqual([]);
  });

  it('a view carries the call, its times in local time and where to play and download it', async () => {
    const r = await svc.request('GET', `/ops/recordings/${ids['c5-a01']}`);
    expect(r.json).toMatchObject({
      callId: ids['c5-a01'],
      campaignid: 5,
      agentCode: 'A01',
      status: 'ANSWERED',
      disposition: 'SALE',
      startedAt: '2025-06-02 08:00:00',
      talkSeconds: 25,
      deleted: false,
      heldCall: false,
      audioUrl: `/ops/recordings/${ids['c5-a01']}/audio`,
      downloadUrl: `/ops/recordings/${ids['c5-a01']}/download`,
    });
    expect((await svc.request('GET', `/ops/recordings/${ids['c5-none']}`)).status).toBe(404);
  });

  it('bad filters answer 400 naming the filter, and change nothing', async () => {
    for (const [query, word] of [
      ['?campaignId=abc', 'campaignId'],
      ['?from=2025-13-40', 'from'],
      ['?to=yesterday', 'to'],
      ['?number=12ab', 'number'],
      ['?status=HAPPY', 'status'],
      ['?limit=0', 'limit'],
    ] as const) {
      const r = await svc.request('GET', `/ops/recordings${query}`);
      expect(r.status, query).toBe(400);
      expect(r.json.error.message, query).toContain(word);
    }
    expect((await svc.request('GET', '/ops/recordings/audit')).json.entries).toEqual([]);
  });

  it('the waveform of a stored WAV: peaks between 0 and 1 and its duration', async () => {
    const r = await svc.request('GET', `/ops/recordings/${ids['c5-a01']}/waveform?buckets=50`);
    expect(r.status).toBe(200);
    expect(r.json.durationSeconds).toBe(1.5);
    expect(r.json.peaks).toHaveLength(50);
    expect(Math.max(...r.json.peaks)).toBeGreaterThan(0.1);
    expect(r.json.peaks.every((p: number) => p >= 0 && p <= 1)).toBe(true);
    expect((await svc.request('GET', `/ops/recordings/${ids['c5-a01']}/waveform?buckets=3`)).status).toBe(400);
  });
});
