/**
 * The ARI driver against the replayed captures of calls that never answer: busy, congestion,
 * unavailable, not found, declined, ring-out at the dial timeout, and a dead carrier (SIP
 * timer B). These create+dial failures have no final Dial status: the cause comes from
 * ChannelDestroyed alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { START, callRequest, startReplayRig, type ReplayRig } from '../../support/ari-replay/replay-rig.ts';

const CASES = [
  { flow: 'dial-busy', number: '0987654321', cause: 'busy', detail: 'Q.850 17 User busy; SIP 486', rings: false },
  { flow: 'dial-congestion', number: '0987654323', cause: 'congestion', detail: 'Q.850 34 Circuit/channel congestion; SIP 503', rings: false },
  { flow: 'dial-unavailable', number: '0987654324', cause: 'no-answer', detail: 'Q.850 19 User alerting, no answer; SIP 480', rings: false },
  { flow: 'dial-notfound', number: '0987654326', cause: 'no-answer', detail: 'Q.850 1 Unallocated (unassigned) number; SIP 404', rings: false },
  { flow: 'dial-declined', number: '0987654327', cause: 'no-answer', detail: 'Q.850 21 Call Rejected; SIP 603', rings: false },
] as const;

describe('ARI driver on the captured unanswered calls', () => {
  let rig: ReplayRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const c of CASES) {
    it(`${c.flow}: ends once with cause ${c.cause}, never ringing or answered`, async () => {
      rig = await startReplayRig(c.flow);
      const callId = 'ccs-1-10-1';
      await rig.driver.placeCall(callRequest(callId, c.number));
      await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');
      expect(await rig.replay.waitForGate()).toBe('end');

      expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ended']);
      expect(rig.ended(callId)[0]).toMatchObject({ cause: c.cause, detail: c.detail });
      expect(rig.replay.unexpected).toEqual([]);
    });
  }

  it('places the leg with the call id as channel id, dialout app args, CCS_CALL_ID and the CDR userfield', async () => {
    rig = await startReplayRig('dial-busy');
    await rig.driver.placeCall(callRequest('ccs-3-77-2', '0987654321', { tags: { campaignId: 3, contactId: 77, attemptNo: 2 } }));
    await rig.until(() => rig!.ended('ccs-3-77-2').length > 0, 'the end of the call');
    const create = rig.replay.requests.find((r) => r.url.pathname === '/ari/channels/create')!;
    expect(Object.fromEntries(create.url.searchParams)).toEqual({
      endpoint: 'PJSIP/0987654321@trunk',
      app: 'ccs',
      appArgs: 'dialout,ccs-3-77-2',
      channelId: 'ccs-3-77-2',
    });
    expect(create.body).toEqual({ variables: { CCS_CALL_ID: 'ccs-3-77-2', 'CDR(userfield)': 'ccs;campaign=3;contact=77;attempt=2' } });
    const dial = rig.replay.requests.find((r) => r.url.pathname.endsWith('/dial'))!;
    expect(dial.path).toBe('/ari/channels/ccs-3-77-2/dial?timeout=30');
  });

  it('dial-noanswer-timeout: rings, then ends as no-answer when the dial timeout cuts it', async () => {
    rig = await startReplayRig('dial-noanswer-timeout');
    const callId = 'ccs-1-11-1';
    await rig.driver.placeCall(callRequest(callId, '0987654322', { ringTimeoutSeconds: 5 }));
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');

    const events = rig.callEvents(callId);
    expect(events.map((e) => e.type)).toEqual(['ringing', 'ended']);
    expect(rig.ended(callId)[0]).toMatchObject({ cause: 'no-answer', detail: 'Q.850 19 User alerting, no answer; SIP 480' });
    // Times are the transcript's: Ringing 6.5 ms into the flow, ChannelDestroyed at 5007.7 ms.
    expect(events[0]!.at).toBeCloseTo(START + 6.5, 0);
    expect(events[1]!.at).toBeCloseTo(START + 5007.7, 0);
  });

  it('dial-carrier-timeout: a dead carrier ends as no-answer after SIP timer B', async () => {
    rig = await startReplayRig('dial-carrier-timeout', { config: { dialTemplate: 'PJSIP/trunk/sip:{number}@127.0.0.1:5079' } });
    const callId = 'ccs-1-12-1';
    await rig.driver.placeCall(callRequest(callId, '0987654320', { ringTimeoutSeconds: 40 }));
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');

    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ended']);
    expect(rig.ended(callId)[0]).toMatchObject({ cause: 'no-answer', detail: 'Q.850 18 No user responding; SIP 408' });
    expect(rig.ended(callId)[0]!.at - START).toBeGreaterThan(32_000);
    expect(rig.replay.unexpected).toEqual([]);
  });
});
