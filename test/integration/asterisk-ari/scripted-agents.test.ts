/**
 * Agents on the ARI driver, against the scripted Asterisk: presence from the phones' state,
 * phones that fail to answer a connect, agents hanging up, and nailed-up legs that drop and
 * are called again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../../src/ports/telephony.ts';
import { callRequest } from '../../support/ari-replay/replay-rig.ts';
import { createScriptedRig, type ScriptedRig } from '../../support/ari-replay/scripted-rig.ts';

const agent = (station: string) => ({ agentCode: `Agent/${station}`, stationId: station, endpoint: `PJSIP/${station}` });
const presenceOf = (events: TelephonyEvent[], agentCode: string) =>
  events.flatMap((e) => (e.type === 'agent' && e.agentCode === agentCode ? [e.presence] : []));

describe('ARI driver agents (scripted Asterisk)', () => {
  let rig: ScriptedRig | undefined;
  afterEach(async () => {
    await rig?.teardown();
    rig = undefined;
  });

  async function answered(r: ScriptedRig, callId: string, number = '0987654320'): Promise<void> {
    await r.driver.placeCall(callRequest(callId, number));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
  }

  it('on-answer: presence follows the phone registration (EndpointStateChange)', async () => {
    rig = await createScriptedRig();
    const r = rig;
    await r.driver.signInAgent(agent('9001'));
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 1, 'presence');
    r.ari.setAgentPhone('9001', 'unregistered');
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 2, 'offline');
    r.ari.setAgentPhone('9001', 'answers');
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 3, 'online again');
    expect(presenceOf(r.events, 'Agent/9001')).toEqual(['online', 'offline', 'online']);
    const subscribe = r.ari.requests.find((q) => q.url.pathname === '/ari/applications/ccs/subscription')!;
    expect(subscribe.url.searchParams.get('eventSource')).toBe('endpoint:PJSIP/9001,deviceState:PJSIP/9001');
  });

  it('on-answer: signing in an agent whose endpoint Asterisk does not know is refused', async () => {
    rig = await createScriptedRig();
    await expect(rig.driver.signInAgent(agent('9555'))).rejects.toThrow(/no endpoint PJSIP\/9555/);
  });

  it('on-answer: a phone that does not answer takes the agent out of rotation; the customer waits for another agent', async () => {
    rig = await createScriptedRig({ agentRingSeconds: 15, agentRetrySeconds: 30 }, { agents: { '9001': 'no-answer' } });
    const r = rig;
    await r.driver.signInAgent(agent('9001'));
    await r.driver.signInAgent(agent('9002'));
    const callId = 'ccs-1-1-1';
    await answered(r, callId);
    await r.driver.connectAgent(callId, agent('9001'), { record: false });
    await r.until(() => presenceOf(r.events, 'Agent/9001').includes('offline'), 'the agent out of rotation', 20_000);
    expect(r.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered']);

    await r.driver.connectAgent(callId, agent('9002'), { record: false });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the second agent');
    expect(r.callEvents(callId).find((e) => e.type === 'connected')).toMatchObject({ agentCode: 'Agent/9002' });
    expect(r.ari.requests.map((q) => q.url.searchParams.get('channelId')).filter(Boolean)).toEqual([callId, `${callId}-agent`, `${callId}-agent-2`]);

    // Checked again after agentRetrySeconds: the phone is registered, so back in rotation.
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 3, 'the agent back', 40_000);
    expect(presenceOf(r.events, 'Agent/9001')).toEqual(['online', 'offline', 'online']);
  });

  it('on-answer: a phone that is not registered fails the connect at once', async () => {
    rig = await createScriptedRig({}, { agents: { '9003': 'unregistered' } });
    const callId = 'ccs-1-2-1';
    await answered(rig, callId);
    await expect(rig.driver.connectAgent(callId, agent('9003'), { record: false })).rejects.toThrow(/500 Allocation failed/);
    expect(presenceOf(rig.events, 'Agent/9003')).toEqual(['offline']);
    expect(rig.ended(callId)).toEqual([]);
  });

  it('on-answer: the agent hanging up ends the call, normal', async () => {
    rig = await createScriptedRig();
    const r = rig;
    const callId = 'ccs-1-3-1';
    await answered(r, callId);
    await r.driver.connectAgent(callId, agent('9001'), { record: true });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
    await r.advance(3000);
    r.ari.hangUpFarEnd(`${callId}-agent`);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.ended(callId)[0]).toMatchObject({ cause: 'normal', recording: { status: 'saved' } });
  });

  it('on-answer: abandoning plays the configured message, then hangs up', async () => {
    rig = await createScriptedRig({ abandonSound: 'sound:ccs-sorry' });
    const r = rig;
    const callId = 'ccs-1-4-1';
    await answered(r, callId);
    await r.driver.abandonCall(callId);
    await r.advance(1000);
    expect(r.ended(callId)).toEqual([]);
    await r.until(() => r.ended(callId).length > 0, 'the end of the message');
    const play = r.ari.requests.find((q) => q.url.pathname.endsWith('/play'))!;
    expect(Object.fromEntries(play.url.searchParams)).toEqual({ media: 'sound:ccs-sorry', playbackId: `${callId}-abandon` });
    expect(r.ended(callId)[0]!.cause).toBe('abandoned');
  });

  it('nailed-up: configured agents are called and parked when ARI comes up, with their wrap-up', async () => {
    rig = await createScriptedRig({ agentMode: 'nailed-up', agents: [agent('9001'), agent('9002')], autoWrapUpSeconds: 5 });
    const r = rig;
    await r.until(() => r.events.filter((e) => e.type === 'agent').length === 2, 'both agents parked');
    expect(r.events.filter((e) => e.type === 'agent')).toEqual([
      { type: 'agent', agentCode: 'Agent/9001', stationId: '9001', presence: 'online', autoWrapUpSeconds: 5 },
      { type: 'agent', agentCode: 'Agent/9002', stationId: '9002', presence: 'online', autoWrapUpSeconds: 5 },
    ]);
    const holding = [...r.ari.bridges.values()].find((b) => b.type === 'holding')!;
    expect(holding.channels).toHaveLength(2);
  });

  it('nailed-up: a phone that hangs up goes offline and is called again after the retry delay', async () => {
    rig = await createScriptedRig({ agentMode: 'nailed-up', agents: [agent('9001')], agentRetrySeconds: 10 });
    const r = rig;
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 1, 'parked');
    const leg = [...r.ari.channels.values()].find((c) => c.kind === 'agent')!;
    r.ari.hangUpFarEnd(leg.id);
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 2, 'offline');
    await r.advance(5000);
    expect([...r.ari.channels.values()].filter((c) => c.kind === 'agent')).toEqual([]);
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 3, 'parked again', 15_000);
    expect(presenceOf(r.events, 'Agent/9001')).toEqual(['online', 'offline', 'online']);
  });

  it('nailed-up: a connected agent whose phone drops ends the call and goes offline', async () => {
    rig = await createScriptedRig({ agentMode: 'nailed-up', agents: [agent('9001')] });
    const r = rig;
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 1, 'parked');
    const callId = 'ccs-1-5-1';
    await answered(r, callId);
    await r.driver.connectAgent(callId, agent('9001'), { record: false });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
    const leg = [...r.ari.channels.values()].find((c) => c.kind === 'agent')!;
    r.ari.hangUpFarEnd(leg.id);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.ended(callId)[0]!.cause).toBe('normal');
    expect(presenceOf(r.events, 'Agent/9001')).toEqual(['online', 'offline']);
  });

  it('nailed-up: signing out during a call hangs the phone up after the call instead of parking it', async () => {
    rig = await createScriptedRig({ agentMode: 'nailed-up', agents: [agent('9001')] });
    const r = rig;
    await r.until(() => presenceOf(r.events, 'Agent/9001').length === 1, 'parked');
    const callId = 'ccs-1-6-1';
    await answered(r, callId);
    await r.driver.connectAgent(callId, agent('9001'), { record: false });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
    await r.driver.signOutAgent('Agent/9001');
    expect([...r.ari.channels.values()].some((c) => c.kind === 'agent')).toBe(true);
    await r.driver.hangup(callId);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    await r.advance(500);
    expect([...r.ari.channels.values()]).toEqual([]);
    expect([...r.ari.bridges.values()]).toEqual([]);
  });
});

describe('ARI driver abandon while an agent is being reached (scripted Asterisk)', () => {
  it('the ringing agent leg is hung up and never bridged; the call ends abandoned', async () => {
    const rig = await createScriptedRig({}, { agents: { '9001': 'no-answer' } });
    try {
      const callId = 'ccs-1-9-1';
      await rig.driver.placeCall(callRequest(callId, '0987654320'));
      await rig.until(() => rig.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
      await rig.driver.connectAgent(callId, agent('9001'), { record: true });
      await rig.advance(1000);
      expect([...rig.ari.channels.keys()]).toContain(`${callId}-agent`);
      await rig.driver.abandonCall(callId);
      await rig.until(() => rig.ended(callId).length > 0, 'the end of the message');
      expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'ended']);
      expect(rig.ended(callId)[0]).toMatchObject({ cause: 'abandoned' });
      expect(rig.ended(callId)[0]!.recording).toBeUndefined();
      expect([...rig.ari.channels.keys()]).toEqual([]);
    } finally {
      await rig.teardown();
    }
  });
});
