/**
 * Call controls on the ARI driver against the scripted Asterisk: the standard ARI requests
 * each control makes (music on hold, mute, DTMF, the consult leg and bridges) and what the
 * channels are left with, and the failures a PBX brings (an unregistered target, a target
 * hanging up mid-consult, the agent's phone going away mid-call).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TelephonyEvent } from '../../../src/ports/telephony.ts';
import { callRequest } from '../../support/ari-replay/replay-rig.ts';
import { createScriptedRig, type ScriptedRig } from '../../support/ari-replay/scripted-rig.ts';

const agent = (station: string) => ({ agentCode: `Agent/${station}`, stationId: station, endpoint: `PJSIP/${station}` });
type CallEvent = Extract<TelephonyEvent, { callId: string }>;

describe('ARI driver call controls (scripted Asterisk)', () => {
  let rig: ScriptedRig | undefined;
  afterEach(async () => {
    await rig?.teardown();
    rig = undefined;
  });

  async function connected(r: ScriptedRig, callId: string): Promise<void> {
    await r.driver.signInAgent(agent('9001'));
    await r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await r.driver.connectAgent(callId, agent('9001'), { record: true });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
  }
  /** A scripted Asterisk (torn down after the test) with the call answered and connected to agent 9001, recorded. */
  async function connectedRig(callId: string, ...rigOptions: Parameters<typeof createScriptedRig>): Promise<ScriptedRig> {
    rig = await createScriptedRig(...rigOptions);
    await connected(rig, callId);
    return rig;
  }
  const transferTo9002 = (r: ScriptedRig, callId: string, mode: 'attended' | 'blind') => r.driver.transfer(callId, { kind: 'agent', agent: agent('9002') }, { mode });
  const requests = (r: ScriptedRig, from: number) => r.ari.requests.slice(from).map((q) => `${q.method} ${q.url.pathname.replace('/ari', '')}${q.url.search}`);
  const has = (r: ScriptedRig, callId: string, test: (e: CallEvent) => boolean) => r.callEvents(callId).some(test);

  it('hold plays music on hold to the customer and mutes what the customer says; resume undoes both', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    const before = r.ari.requests.length;
    await r.driver.hold(callId);
    expect(r.ari.channels.get(callId)).toMatchObject({ moh: 'default', muted: 'in' });
    await r.driver.resume(callId);
    expect(r.ari.channels.get(callId)).toMatchObject({ moh: null, muted: null });
    expect(requests(r, before)).toEqual([
      `POST /channels/${callId}/moh?mohClass=default`,
      `POST /channels/${callId}/mute?direction=in`,
      `DELETE /channels/${callId}/moh`,
      `DELETE /channels/${callId}/mute?direction=in`,
    ]);
    expect(r.ari.unexpected).toEqual([]);
  });

  it("mute keeps the agent's voice out of the bridge; DTMF goes to the customer's channel", async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    await r.driver.mute(callId);
    expect(r.ari.channels.get(`${callId}-agent`)).toMatchObject({ muted: 'in' });
    await r.driver.unmute(callId);
    expect(r.ari.channels.get(`${callId}-agent`)).toMatchObject({ muted: null });
    await r.driver.sendDtmf(callId, '1#');
    await r.driver.sendDtmf(callId, '9');
    expect(r.ari.channels.get(callId)?.dtmf).toBe('1#9');
    expect(r.ari.unexpected).toEqual([]);
  });

  it('attended transfer: the consult leg is originated from the call, agent and target talk in the consult bridge, then the target joins the customer', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    await r.driver.signInAgent(agent('9002'));
    const before = r.ari.requests.length;
    await transferTo9002(r, callId, 'attended');
    await r.until(() => has(r, callId, (e) => e.type === 'consult' && e.phase === 'answered'), 'the target');
    await r.until(() => r.ari.bridges.get(`${callId}-consult`)?.channels.length === 2, 'the consult bridge');
    expect(r.ari.bridges.get(`${callId}-consult`)!.channels.sort()).toEqual([`${callId}-agent`, `${callId}-consult-1`]);
    expect(r.ari.bridges.get(`${callId}-bridge`)!.channels).toEqual([callId]);
    const create = r.ari.requests.slice(before).find((q) => q.url.pathname === '/ari/channels/create')!;
    expect(Object.fromEntries(create.url.searchParams)).toMatchObject({ endpoint: 'PJSIP/9002', channelId: `${callId}-consult-1`, originator: callId, appArgs: `consult,${callId}` });

    await r.driver.completeTransfer(callId);
    await r.until(() => has(r, callId, (e) => e.type === 'transferred'), 'the transfer');
    await r.until(() => !r.ari.channels.has(`${callId}-agent`), 'the first agent to leave');
    expect(r.ari.bridges.get(`${callId}-bridge`)!.channels.sort()).toEqual([callId, `${callId}-consult-1`]);
    expect(r.ari.bridges.has(`${callId}-consult`)).toBe(false);
    expect(r.ari.channels.get(callId)).toMatchObject({ moh: null });
    // The customer leaving ends the call once; the target's leg is hung up with it.
    r.ari.hangUpFarEnd(callId);
    await r.until(() => r.ended(callId).length > 0, 'the end');
    await r.until(() => !r.ari.channels.has(`${callId}-consult-1`), 'the target hung up');
    expect(r.ended(callId)).toHaveLength(1);
    expect(r.ended(callId)[0]!.recording).toMatchObject({ status: 'saved' });
  });

  it('a bridge of the same call id left in Asterisk by an earlier run is replaced, and the call is connected and recorded', async () => {
    rig = await createScriptedRig();
    const r = rig;
    const callId = 'ccs-1-1-1';
    // As a CCS stopped mid-call leaves it, its database then reset while Asterisk kept running.
    r.ari.bridges.set(`${callId}-bridge`, { id: `${callId}-bridge`, type: 'mixing', name: `ccs-call-${callId}`, channels: [], recording: null, moh: null, createdAt: 0 });
    const before = r.ari.requests.length;
    await connected(r, callId);
    const bridgeRequests = requests(r, before).filter((q) => q.startsWith('POST /bridges?') || q === `DELETE /bridges/${callId}-bridge`);
    expect(bridgeRequests.map((q) => q.split('?')[0])).toEqual(['POST /bridges', `DELETE /bridges/${callId}-bridge`, 'POST /bridges']);
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.channels.length === 2, 'customer and agent in the bridge');
    r.ari.hangUpFarEnd(callId);
    await r.until(() => r.ended(callId).length > 0, 'the end');
    expect(r.ended(callId)[0]).toMatchObject({ cause: 'normal', recording: { status: 'saved' } });
  });

  it('a long consult keeps the recording going: the call bridge plays music on hold while the customer waits alone in it, and stops when the target joins', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    await r.driver.signInAgent(agent('9002'));
    const before = r.ari.requests.length;
    await transferTo9002(r, callId, 'attended');
    await r.until(() => r.ari.bridges.get(`${callId}-consult`)?.channels.length === 2, 'the consult bridge');
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.moh === 'default', 'music in the call bridge');
    // Customer muted and alone with the recorder: without the music Asterisk ends the recording after 4 s.
    await r.advance(10_000);
    expect(r.ari.starvedRecordings).toEqual([]);
    await r.driver.completeTransfer(callId);
    await r.until(() => has(r, callId, (e) => e.type === 'transferred'), 'the transfer');
    expect(r.ari.bridges.get(`${callId}-bridge`)!.moh).toBeNull();
    const bridgeMoh = requests(r, before).filter((q) => q.includes(`/bridges/${callId}-bridge/moh`));
    expect(bridgeMoh).toEqual([`POST /bridges/${callId}-bridge/moh?mohClass=default`, `DELETE /bridges/${callId}-bridge/moh`]);
    // The music starts once the agent has left the call bridge and stops once the target is in it.
    const order = requests(r, before);
    expect(order.indexOf(`POST /bridges/${callId}-bridge/moh?mohClass=default`)).toBeGreaterThan(order.indexOf(`POST /bridges/${callId}-consult/addChannel?channel=${callId}-agent%2C${callId}-consult-1`));
    expect(order.indexOf(`DELETE /bridges/${callId}-bridge/moh`)).toBeGreaterThan(order.indexOf(`POST /bridges/${callId}-bridge/addChannel?channel=${callId}-consult-1`));
    await r.advance(10_000);
    r.ari.hangUpFarEnd(callId);
    await r.until(() => r.ended(callId).length > 0, 'the end');
    expect(r.ari.starvedRecordings).toEqual([]);
    expect(r.ended(callId)[0]!.recording).toMatchObject({ status: 'saved' });
    expect(r.ari.unexpected).toEqual([]);
  });

  it('the music in the call bridge stops when the consult is cancelled or turned into a conference', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    await r.driver.signInAgent(agent('9002'));
    await transferTo9002(r, callId, 'attended');
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.moh === 'default', 'music in the call bridge');
    await r.driver.cancelTransfer(callId);
    expect(r.ari.bridges.get(`${callId}-bridge`)!.moh).toBeNull();
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.channels.length === 2 && !r.ari.bridges.has(`${callId}-consult`), 'the agent back with the customer');
    await r.until(() => !r.ari.channels.has(`${callId}-consult-1`), 'the first target hung up');
    await transferTo9002(r, callId, 'attended');
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.moh === 'default', 'music in the call bridge again');
    await r.driver.conference(callId);
    expect(r.ari.bridges.get(`${callId}-bridge`)!.moh).toBeNull();
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.channels.length === 3, 'three in the call');
    expect(r.ari.starvedRecordings).toEqual([]);
    expect(r.ari.unexpected).toEqual([]);
  });

  it("agent and consult legs that enter the application after the create's answer (Asterisk 22.9 under load): the dial is asked again, nothing fails", async () => {
    rig = await createScriptedRig({}, { stasisDelayMs: 250 });
    const r = rig;
    const callId = 'ccs-1-9-1';
    await r.driver.signInAgent(agent('9001'));
    await r.driver.signInAgent(agent('9002'));
    const placing = r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await placing;
    // The retries wait on the driver's (virtual) clock: time is let pass while they run.
    const connecting = r.driver.connectAgent(callId, agent('9001'), { record: false });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
    await connecting;
    const transferring = transferTo9002(r, callId, 'attended');
    await r.until(() => has(r, callId, (e) => e.type === 'consult' && e.phase === 'answered'), 'the target');
    await transferring;
    const dials = (leg: string) => r.ari.requests.filter((q) => q.method === 'POST' && q.url.pathname === `/ari/channels/${leg}/dial`).length;
    expect(dials(`${callId}-agent`)).toBeGreaterThan(1);
    expect(dials(`${callId}-consult-1`)).toBeGreaterThan(1);
    expect(r.callEvents(callId).filter((e) => e.type === 'consult').map((e) => (e as { phase: string }).phase)).toEqual(['ringing', 'answered']);
    expect(r.ended(callId)).toEqual([]);
  });

  it('after a transfer the target hanging up ends the call', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    await r.driver.signInAgent(agent('9002'));
    await transferTo9002(r, callId, 'blind');
    await r.until(() => has(r, callId, (e) => e.type === 'transferred'), 'the transfer');
    r.ari.hangUpFarEnd(`${callId}-consult-1`);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.ended(callId)[0]!.cause).toBe('normal');
  });

  it('a target hanging up during the consult brings the agent back to the customer, off hold', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    await r.driver.signInAgent(agent('9002'));
    await transferTo9002(r, callId, 'attended');
    await r.until(() => r.ari.bridges.get(`${callId}-consult`)?.channels.length === 2, 'the consult bridge');
    r.ari.hangUpFarEnd(`${callId}-consult-1`);
    await r.until(() => has(r, callId, (e) => e.type === 'resumed'), 'the customer resumed');
    expect(r.callEvents(callId).filter((e) => e.type === 'consult').map((e) => (e as { phase: string }).phase)).toEqual(['ringing', 'answered', 'ended']);
    await r.until(() => r.ari.bridges.get(`${callId}-bridge`)?.channels.length === 2, 'the agent back in the call');
    expect(r.ari.channels.get(callId)).toMatchObject({ moh: null, muted: null });
    expect(r.ended(callId)).toEqual([]);
  });

  it('a target whose phone is not registered fails offline (500 Allocation failed) and the customer is resumed', async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId, {}, { agents: { '9003': 'unregistered' } });
    await r.driver.transfer(callId, { kind: 'agent', agent: agent('9003') }, { mode: 'blind' });
    await r.until(() => has(r, callId, (e) => e.type === 'resumed'), 'the customer resumed');
    expect(r.callEvents(callId).find((e) => e.type === 'consult')).toMatchObject({ phase: 'failed', reason: 'offline' });
  });

  it("the agent's phone going away mid-call ends the call", async () => {
    const callId = 'ccs-1-1-1';
    const r = await connectedRig(callId);
    r.ari.setAgentPhone('9001', 'unregistered');
    r.ari.hangUpFarEnd(`${callId}-agent`);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.ended(callId)[0]!.cause).toBe('normal');
    await expect(r.driver.hold(callId)).rejects.toMatchObject({ code: 'no-call' });
  });
});
