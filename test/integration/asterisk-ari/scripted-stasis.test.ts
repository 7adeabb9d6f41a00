/**
 * A loaded Asterisk answers `channels/create` before the new channel is in the application;
 * until its StasisStart, `/variable` and `/dial` answer 409 "Channel not in Stasis
 * application". The driver operates on a new channel only once it is in the application, and
 * tries a 409 again within a bound; a leg that never gets there is not placed (placeCall
 * rejects, the channel is removed, no `ended` is owed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callRequest } from '../../support/ari-replay/replay-rig.ts';
import { createScriptedRig, type ScriptedRig } from '../../support/ari-replay/scripted-rig.ts';

const requestsTo = (r: ScriptedRig, callId: string, what: string) =>
  r.ari.requests.filter((q) => q.method === 'POST' && q.url.pathname === `/ari/channels/${callId}/${what}`).length;

/** Starts placeCall and lets virtual time pass until it settles. */
async function place(r: ScriptedRig, callId: string, number: string): Promise<{ ok: boolean; error?: string }> {
  let outcome: { ok: boolean; error?: string } | null = null;
  r.driver.placeCall(callRequest(callId, number)).then(
    () => (outcome = { ok: true }),
    (error: Error) => (outcome = { ok: false, error: error.message }),
  );
  await r.until(() => outcome !== null, 'placeCall to settle', 30_000);
  return outcome!;
}

describe('ARI driver: a new channel is operated on only once it is in the application', () => {
  let rig: ScriptedRig | undefined;
  afterEach(async () => {
    await rig?.teardown();
    rig = undefined;
  });

  it('StasisStart after the create response: the driver waits for it, then sets the caller id and dials without a 409', async () => {
    rig = await createScriptedRig({}, { stasisDelayMs: 700 });
    const r = rig;
    const callId = 'ccs-3-1-1';
    expect(await place(r, callId, '0987654320')).toEqual({ ok: true });
    expect(requestsTo(r, callId, 'variable')).toBe(1);
    expect(requestsTo(r, callId, 'dial')).toBe(1);
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    expect(r.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered']);
    expect(r.ari.channels.get(callId)!.vars['CONNECTEDLINE(all,i)']).toBe('"CCS" <02873000000>');
  });

  it('/dial answered 409 twice: the driver tries again and the call is placed once', async () => {
    rig = await createScriptedRig({}, { conflicts: { dial: 2 } });
    const r = rig;
    const callId = 'ccs-3-2-1';
    expect(await place(r, callId, '0987654322')).toEqual({ ok: true });
    expect(requestsTo(r, callId, 'dial')).toBe(3);
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'ringing'), 'ringing');
    expect(r.ended(callId)).toEqual([]);
  });

  it('/variable answered 409 first: the caller id is set on the next try, before the dial', async () => {
    rig = await createScriptedRig({}, { conflicts: { variable: 1 } });
    const r = rig;
    const callId = 'ccs-3-3-1';
    expect(await place(r, callId, '0987654322')).toEqual({ ok: true });
    expect(requestsTo(r, callId, 'variable')).toBe(2);
    expect(r.ari.channels.get(callId)!.vars['CONNECTEDLINE(all,i)']).toBe('"CCS" <02873000000>');
    const order = r.ari.requests.map((q) => q.url.pathname.split('/').pop());
    expect(order.lastIndexOf('variable')).toBeLessThan(order.indexOf('dial'));
  });

  it('a channel that never enters the application is not placed: placeCall rejects, the channel is removed, no ended is owed', async () => {
    rig = await createScriptedRig({}, { stasisDelayMs: 'never' });
    const r = rig;
    const callId = 'ccs-3-4-1';
    const outcome = await place(r, callId, '0987654320');
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/409 Channel not in Stasis application/);
    await r.until(() => !r.ari.channels.has(callId), 'the channel removed');
    await r.advance(5000);
    expect(r.callEvents(callId)).toEqual([]);
    expect(await r.driver.liveCalls()).toEqual([]);
  });
});
