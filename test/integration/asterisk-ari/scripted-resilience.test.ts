/**
 * The ARI driver when the link to Asterisk breaks (scripted Asterisk): a network blip with
 * Asterisk still running, a restart with nailed-up agents and calls in flight, and a CCS
 * restart that finds calls already up. Also caller id and a hang-up while the leg is placed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/ports/logger.ts';
import type { TelephonyEvent } from '../../../src/ports/telephony.ts';
import { createAriDriver } from '../../../src/telephony/asterisk-ari/ari-driver.ts';
import { callRequest } from '../../support/ari-replay/replay-rig.ts';
import { createScriptedRig, type ScriptedRig } from '../../support/ari-replay/scripted-rig.ts';

const agent9001 = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };
const driverStates = (events: TelephonyEvent[]) => events.flatMap((e) => (e.type === 'driver' ? [e.state] : []));
const presence = (events: TelephonyEvent[]) => events.flatMap((e) => (e.type === 'agent' ? [e.presence] : []));

describe('ARI driver resilience (scripted Asterisk)', () => {
  let rig: ScriptedRig | undefined;
  afterEach(async () => {
    await rig?.teardown();
    rig = undefined;
  });

  it('a network blip: calls survive, progress missed meanwhile is caught up from ARI, nothing ends twice', async () => {
    rig = await createScriptedRig();
    const r = rig;
    const callId = 'ccs-2-1-1';
    await r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'ringing'), 'ringing');
    await r.ari.dropConnections();
    await r.until(() => !r.driver.health().ready, 'the driver down');
    await r.advance(3000); // the customer answers while the driver cannot hear it
    expect(r.callEvents(callId).map((e) => e.type)).toEqual(['ringing']);
    await r.ari.reconnectable();
    await r.until(() => r.driver.health().ready, 'the driver up again', 30_000);
    expect(r.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered']);
    expect(driverStates(r.events)).toEqual(['up', 'down', 'up']);
    await r.driver.hangup(callId);
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.ended(callId)[0]!.cause).toBe('normal');
  });

  it('Asterisk restarts: placeCall is refused while down; lost calls end once; nailed-up agents are called again', async () => {
    rig = await createScriptedRig({ agentMode: 'nailed-up', agents: [agent9001] });
    const r = rig;
    await r.until(() => presence(r.events).length === 1, 'the agent parked');
    const connected = 'ccs-2-2-1';
    const ringing = 'ccs-2-2-2';
    await r.driver.placeCall(callRequest(connected, '0987654320'));
    await r.until(() => r.callEvents(connected).some((e) => e.type === 'answered'), 'the answer');
    await r.driver.connectAgent(connected, agent9001, { record: true });
    await r.until(() => r.callEvents(connected).some((e) => e.type === 'connected'), 'the bridge');
    await r.driver.placeCall(callRequest(ringing, '0987654322'));
    await r.until(() => r.callEvents(ringing).some((e) => e.type === 'ringing'), 'ringing');

    await r.ari.stop({ silently: true }); // killed: no events about its channels
    await r.until(() => !r.driver.health().ready, 'the driver down');
    await expect(r.driver.placeCall(callRequest('ccs-2-2-3', '0987654320'))).rejects.toThrow(/ARI is not ready/);
    await r.advance(2000);
    await r.ari.start();
    await r.until(() => r.driver.health().ready, 'the driver up again', 30_000);

    expect(r.ended(connected)).toEqual([expect.objectContaining({ cause: 'normal', detail: 'Asterisk restarted: the call is gone' })]);
    expect(r.ended(connected)[0]!.recording?.status).toBe('failed');
    expect(r.ended(ringing)).toEqual([expect.objectContaining({ cause: 'failed' })]);
    expect(await r.driver.liveCalls()).toEqual([]);
    await r.until(() => presence(r.events).length === 3, 'the agent parked again');
    expect(presence(r.events)).toEqual(['online', 'offline', 'online']);
    expect([...r.ari.bridges.values()].filter((b) => b.type === 'holding')).toHaveLength(1);
    await r.advance(5000);
    expect(r.ended(connected)).toHaveLength(1);
    expect(r.ended(ringing)).toHaveLength(1);
  });

  it('after a CCS restart, a call still up in Asterisk is listed by liveCalls and its end is reported', async () => {
    rig = await createScriptedRig();
    const r = rig;
    const callId = 'ccs-2-3-1';
    await r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await r.driver.stop(); // CCS goes away; the call stays up in Asterisk

    const events: TelephonyEvent[] = [];
    const second = createAriDriver({ url: r.ari.url, user: r.ari.user, password: r.ari.password }, { clock: r.clock, recordings: r.recordings, logger: silentLogger });
    try {
      await second.start((e) => events.push(e));
      expect(await second.liveCalls()).toEqual([callId]);
      r.ari.hangUpFarEnd(callId);
      await r.until(() => events.some((e) => e.type === 'ended'), 'the end of the call');
      expect(events.filter((e) => 'callId' in e)).toEqual([expect.objectContaining({ type: 'ended', callId, cause: 'normal' })]);
    } finally {
      await second.stop();
    }
  });

  it('after a nailed-up run was killed, the next start removes the holding bridges of its naming left behind, hangs up the lines parked in them, and parks the agent anew', async () => {
    rig = await createScriptedRig({ agentMode: 'nailed-up', agents: [agent9001] });
    const r = rig;
    await r.until(() => presence(r.events).length === 1, 'the agent parked');
    const [oldBridge] = [...r.ari.bridges.values()].filter((b) => b.type === 'holding');
    const oldLine = oldBridge!.channels[0]!;
    await r.driver.stop(); // killed: nothing cleaned up, the line stays parked in Asterisk
    // An empty one of a run before that, and bridges that are not this application's holding bridges.
    const leftover = (id: string, type: 'holding' | 'mixing', name: string) => r.ari.bridges.set(id, { id, type, name, channels: [], recording: null, moh: null, createdAt: 0 });
    leftover('ccs-agents-0f1e2d3c', 'holding', 'ccs-agents-waiting');
    leftover('ccs-agents-agents-5a6b', 'holding', 'ccs-agents-agents-waiting'); // the application `ccs-agents`
    leftover('ccs-9-9-9-bridge', 'mixing', 'ccs-call-ccs-9-9-9');
    const before = r.ari.requests.length;

    const events: TelephonyEvent[] = [];
    const second = createAriDriver(
      { url: r.ari.url, user: r.ari.user, password: r.ari.password, agentMode: 'nailed-up', agents: [agent9001] },
      { clock: r.clock, recordings: r.recordings, logger: silentLogger },
    );
    try {
      const started = second.start((e) => events.push(e)); // waits for the leftover line to go, in virtual time
      await r.until(() => second.health().ready, 'the second driver up');
      await started;
      await r.until(() => presence(events).includes('online'), 'the agent parked anew');
      const holding = [...r.ari.bridges.values()].filter((b) => b.type === 'holding');
      expect(holding.map((b) => b.id)).toEqual(['ccs-agents-agents-5a6b', expect.stringMatching(/^ccs-agents-/)]);
      expect(holding[1]!.channels).toHaveLength(1);
      expect(holding[1]!.channels[0]).not.toBe(oldLine);
      expect(r.ari.channels.has(oldLine)).toBe(false);
      expect(r.ari.bridges.has('ccs-9-9-9-bridge')).toBe(true);
      // Removed before the agent's phone was called again.
      const requests = r.ari.requests.slice(before).map((q) => `${q.method} ${q.url.pathname}`);
      const removals = [`DELETE /ari/bridges/${oldBridge!.id}`, `DELETE /ari/channels/${oldLine}`, 'DELETE /ari/bridges/ccs-agents-0f1e2d3c'];
      for (const removal of removals) expect(requests).toContain(removal);
      const firstCall = requests.findIndex((q) => q === 'POST /ari/channels/create');
      expect(Math.max(...removals.map((q) => requests.indexOf(q)))).toBeLessThan(firstCall);
    } finally {
      await second.stop();
    }
  });

  it('after another CCS process connected and recorded a call and went away, the next one follows the conversation: at its end the agent leg is hung up, the bridge dropped and the recording saved', async () => {
    rig = await createScriptedRig();
    const r = rig;
    const callId = 'ccs-2-6-1';
    await r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await r.driver.connectAgent(callId, agent9001, { record: true });
    await r.until(() => r.callEvents(callId).some((e) => e.type === 'connected'), 'the bridge');
    await r.driver.stop(); // the process that connected the call is gone (killed, or its agent group taken over)

    const events: TelephonyEvent[] = [];
    const second = createAriDriver({ url: r.ari.url, user: r.ari.user, password: r.ari.password }, { clock: r.clock, recordings: r.recordings, logger: silentLogger });
    try {
      await second.start((e) => events.push(e));
      expect(await second.liveCalls()).toEqual([callId]);
      await r.advance(3000);
      r.ari.hangUpFarEnd(callId);
      await r.until(() => events.some((e) => e.type === 'ended'), 'the end of the call');
      const ended = events.filter((e) => 'callId' in e);
      expect(ended).toEqual([expect.objectContaining({ type: 'ended', callId, cause: 'normal' })]);
      const recording = ended[0]!.type === 'ended' ? ended[0]!.recording : undefined;
      expect(recording?.status).toBe('saved');
      expect(await r.recordings.locate(recording?.status === 'saved' ? recording.key : '')).not.toBeNull();
      expect([...r.ari.channels.values()].filter((ch) => ch.kind === 'agent' && ch.id.startsWith(callId))).toEqual([]);
      expect(r.ari.bridges.has(`${callId}-bridge`)).toBe(false);
    } finally {
      await second.stop();
    }
  });

  it('sets the caller id on the customer leg (CALLERID and the connected line the INVITE From is built from)', async () => {
    rig = await createScriptedRig();
    await rig.driver.placeCall(callRequest('ccs-2-4-1', '0987654321', { callerId: '02873000999' }));
    const create = rig.ari.requests.find((q) => q.url.pathname === '/ari/channels/create')!;
    expect(create.body).toMatchObject({ variables: { 'CALLERID(num)': '02873000999', 'CONNECTEDLINE(num,i)': '02873000999' } });
    expect(rig.ari.requests.some((q) => q.url.pathname.endsWith('/variable'))).toBe(false);
  });

  it("without a caller id, the leg presents its endpoint's own caller id rather than an anonymous From", async () => {
    rig = await createScriptedRig();
    await rig.driver.placeCall(callRequest('ccs-2-4-2', '0987654321'));
    const set = rig.ari.requests.find((q) => q.url.pathname.endsWith('/variable'))!;
    expect(set.path).toBe('/ari/channels/ccs-2-4-2/variable?variable=CONNECTEDLINE%28all%2Ci%29&value=%22CCS%22+%3C02873000000%3E');
    const order = rig.ari.requests.map((q) => q.url.pathname.split('/').pop());
    expect(order.indexOf('variable')).toBeLessThan(order.indexOf('dial'));
  });

  it('a hang-up while the leg is being created cancels the dial; the leg ends once as no-answer', async () => {
    rig = await createScriptedRig();
    const r = rig;
    const callId = 'ccs-2-5-1';
    const placing = r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.driver.hangup(callId);
    await placing;
    await r.until(() => r.ended(callId).length > 0, 'the end of the call');
    expect(r.callEvents(callId).map((e) => e.type)).toEqual(['ended']);
    expect(r.ended(callId)[0]!.cause).toBe('no-answer');
    expect(r.ari.requests.some((q) => q.url.pathname.endsWith('/dial'))).toBe(false);
  });
});
