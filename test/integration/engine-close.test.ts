/**
 * closeCampaign (decision 3.5) in virtual time, on SQLite and PostgreSQL: no new call after
 * the close, legs still ringing are hung up and reported NO ANSWER, calls connected to an
 * agent are not cut, and finishCampaign `closed` is written when the last call has ended.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';
import {
  answers,
  contactsFor,
  HOUR,
  MINUTE,
  parseReported,
  phoneNumbers,
  ringsForever,
  SECOND,
  startEngineHarness,
  T0,
  type EngineHarness,
  type HarnessOptions,
} from '../support/engine-harness.ts';

describe.each(DIALECTS)('closing a campaign on %s', (dialect) => {
  let h: EngineHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const start = async (options: Omit<HarnessOptions, 'dialect'> = {}) =>
    (h = await startEngineHarness({ dialect, ...options, defaultProfile: { ringTimeoutSeconds: 120, ...options.defaultProfile } }));

  it('hangs up ringing legs at the close, reports them NO ANSWER and finishes closed', async () => {
    const h = await start({ sim: { agents: 2 }, fallback: ringsForever });
    await h.sendCampaign({ id: 20, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(5)) });
    await h.clock.advanceBy(10 * SECOND);
    expect(h.placed.length).toBe(2);
    const closedAt = h.clock.now();
    expect(await h.engine.closeCampaign(20)).toBe('closed');
    await h.clock.advanceBy(SECOND);

    expect(h.hangups.map((x) => x.callId).sort()).toEqual(h.placed.map((p) => p.request.callId).sort());
    expect(h.hangups.every((x) => x.at === closedAt)).toBe(true);
    const updates = await h.updates(20);
    expect(updates.map((u) => u.status)).toEqual(['NO ANSWER', 'NO ANSWER']);
    for (const u of updates) {
      expect(parseReported(u.endtime)).toBe(Math.floor(closedAt / SECOND) * SECOND);
      expect(u).toMatchObject({ answertime: null, agentcode: null, station_id: null, link_down_record: null, ringtime: u.duration });
    }
    expect(h.finished.get(20)).toEqual({ status: 'closed', at: closedAt });
    expect(await h.finishPayload(20)).toEqual({ campaignid: 20, status: 'closed', contact_total: 5, contact_success: 0 });

    // Nothing more is dialled, and a second close changes nothing.
    await h.clock.advanceBy(3 * HOUR);
    expect(h.placed.length).toBe(2);
    expect(await h.engine.closeCampaign(20)).toBe('already');
    expect((await h.updates(20)).length).toBe(2);
  });

  it('lets a connected call finish and sends finishCampaign closed only after it ended', async () => {
    const [talker, ringer, waiting] = phoneNumbers(3);
    const h = await start({
      sim: { agents: 2 },
      numbers: { [talker!]: answers(3, 300), [ringer!]: ringsForever, [waiting!]: answers(3, 60) },
    });
    await h.sendCampaign({ id: 21, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor([talker!, ringer!, waiting!]) });
    await h.clock.advanceBy(MINUTE);
    expect(h.engine.liveCalls().map((c) => c.state).sort()).toEqual(['connected', 'ringing']);
    const closedAt = h.clock.now();
    expect(await h.engine.closeCampaign(21)).toBe('closed');
    await h.clock.advanceBy(SECOND);

    // The ringing leg is gone; the conversation goes on and the campaign is not finished yet.
    expect(h.hangups.map((x) => x.callId)).toEqual([h.placedFor(21, 2)[0]!.request.callId]);
    expect(h.engine.liveCalls().map((c) => c.state)).toEqual(['connected']);
    expect(h.finished.has(21)).toBe(false);
    expect(await h.finishPayload(21)).toBeUndefined();

    expect(await h.runUntilFinished(21, HOUR, 10 * SECOND)).toBe(true);
    const updates = await h.updates(21);
    const talk = updates.find((u) => u.contact_id === 1)!;
    expect(talk.status).toBe('ANSWERED');
    expect(talk.duration).toBeGreaterThanOrEqual(300); // not cut at the close
    expect(talk.agentcode).toMatch(/^Agent\/\d+$/);
    expect(talk.link_down_record).toMatch(/^http:\/\/ccs\.test\/recordings\//);
    expect(parseReported(talk.endtime)).toBeGreaterThan(closedAt + 3 * MINUTE);
    expect(updates.find((u) => u.contact_id === 2)?.status).toBe('NO ANSWER');
    expect(h.placedFor(21, 3)).toEqual([]); // no new call after the close
    const finished = h.finished.get(21)!;
    expect(finished.status).toBe('closed');
    expect(finished.at).toBeGreaterThanOrEqual(parseReported(talk.endtime));
    expect(await h.finishPayload(21)).toEqual({ campaignid: 21, status: 'closed', contact_total: 3, contact_success: 1 });
  });

  it('starts no call and writes no report after the close when the close comes while a contact is being checked', async () => {
    // A policy that takes its time (a do-not-call lookup, a frequency cap query).
    let release: () => void = () => {};
    const checking = new Promise<void>((resolve) => (release = resolve));
    let asked = 0;
    const h = await start({
      sim: { agents: 1 },
      policy: (base) => ({
        ...base,
        async checkContact(...args) {
          asked++;
          await checking;
          return base.checkContact(...args);
        },
      }),
    });
    await h.sendCampaign({ id: 23, startsAt: T0, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(2)) });
    await h.clock.advanceBy(SECOND);
    expect(asked).toBe(1);
    expect(await h.engine.closeCampaign(23)).toBe('closed');
    release();
    await h.clock.advanceBy(10 * MINUTE);

    expect(h.placed).toEqual([]);
    expect(await h.updates(23)).toEqual([]);
    expect(h.finished.get(23)?.status).toBe('closed');
    expect(await h.finishPayload(23)).toEqual({ campaignid: 23, status: 'closed', contact_total: 2, contact_success: 0 });
  });

  it('closes a campaign that has not started yet without dialling anyone', async () => {
    const h = await start({ sim: { agents: 2 } });
    await h.sendCampaign({ id: 22, startsAt: T0 + HOUR, endsAt: T0 + 4 * HOUR, contacts: contactsFor(phoneNumbers(3)) });
    expect(await h.engine.closeCampaign(22)).toBe('closed');
    await h.clock.advanceBy(2 * HOUR);
    expect(h.placed).toEqual([]);
    expect(h.finished.get(22)).toEqual({ status: 'closed', at: T0 });
    expect(await h.finishPayload(22)).toEqual({ campaignid: 22, status: 'closed', contact_total: 3, contact_success: 0 });
  });
});
