/**
 * The ARI driver against the replayed captures of answered calls bridged with an agent: the
 * recorded call (on-answer agent, bridge recording fetched into the store), the customer
 * hanging up first, and the nailed-up agent moved from the holding bridge and back.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { START, callRequest, startReplayRig, type ReplayRig } from '../../support/ari-replay/replay-rig.ts';
import { recordingSample } from '../../support/ari-replay/transcript.ts';

const agent9001 = { agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' };
const agent9002 = { agentCode: 'Agent/9002', stationId: '9002', endpoint: 'PJSIP/9002' };

describe('ARI driver on the captured connected calls', () => {
  let rig: ReplayRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('dial-answered-bridged-recorded: rings, answers, connects the agent, records, and ends normal with the recording saved', async () => {
    rig = await startReplayRig('dial-answered-bridged-recorded');
    const { driver, replay } = rig;
    const callId = 'ccs-1-10-1';
    await driver.placeCall(callRequest(callId, '0987654320'));
    await rig.until(() => rig!.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await driver.connectAgent(callId, agent9001, { record: true });
    // The capture's dialer hung up after 6 s of talk: the replay waits for that DELETE.
    expect(await replay.waitForGate((r) => r.method === 'DELETE')).toMatchObject({ path: expect.stringMatching(/^\/ari\/channels\/[^/]+\?reason=normal$/) });
    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'connected']);
    await driver.hangup(callId);
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');

    const events = rig.callEvents(callId);
    expect(events.map((e) => e.type)).toEqual(['ringing', 'answered', 'connected', 'ended']);
    expect(events[2]).toMatchObject({ type: 'connected', agentCode: 'Agent/9001' });
    // CDR timing measured by CCS on the transcript's clock: 2 s of ringing, then 6 s of talk.
    expect(events[1]!.at - START).toBeCloseTo(2018.9, 0);
    expect(events[3]!.at - START).toBeCloseTo(8540.2, 0);
    const ended = rig.ended(callId)[0]!;
    expect(ended).toMatchObject({ cause: 'normal', recording: { status: 'saved' } });
    const key = ended.recording?.status === 'saved' ? ended.recording.key : '';
    const located = await rig.recordings.locate(key);
    expect(located).toMatchObject({ contentType: 'audio/wav', size: 96_364 });
    expect(Buffer.compare(await readFile(located!.path), recordingSample())).toBe(0);

    const paths = replay.requests.map((r) => `${r.method} ${r.url.pathname}`);
    expect(paths).toContain(`POST /ari/recordings/live/ccs-${callId}/stop`);
    expect(paths).toContain(`GET /ari/recordings/stored/ccs-${callId}/file`);
    const agentCreate = replay.requests.find((r) => r.url.searchParams.get('endpoint') === 'PJSIP/9001')!;
    expect(Object.fromEntries(agentCreate.url.searchParams)).toMatchObject({ appArgs: `agent,${callId}`, originator: callId });
    const record = replay.requests.find((r) => r.url.pathname.endsWith('/record'))!;
    expect(Object.fromEntries(record.url.searchParams)).toMatchObject({ name: `ccs-${callId}`, format: 'wav', ifExists: 'overwrite' });
    expect(await replay.waitForGate()).toBe('end');
    expect(replay.unexpected).toEqual([]);
  });

  it('dial-customer-hangs-up: the customer leaving hangs up the agent, destroys the bridge and ends normal without a recording', async () => {
    rig = await startReplayRig('dial-customer-hangs-up');
    const { driver, replay } = rig;
    const callId = 'ccs-1-15-1';
    await driver.placeCall(callRequest(callId, '0987654325'));
    await rig.until(() => rig!.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await driver.connectAgent(callId, agent9002, { record: false });
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');

    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'connected', 'ended']);
    const ended = rig.ended(callId)[0]!;
    expect(ended.cause).toBe('normal');
    expect(ended.recording).toBeUndefined();
    expect(await replay.waitForGate()).toBe('end');
    const paths = replay.requests.map((r) => `${r.method} ${r.url.pathname}`);
    expect(paths).toEqual(expect.arrayContaining([`DELETE /ari/channels/${callId}-agent`, `DELETE /ari/bridges/${callId}-bridge`]));
    expect(replay.unexpected).toEqual([]);
  });

  it('agent-holding-bridge: a nailed-up agent waits in the holding bridge, is moved to the call and back, and signs out', async () => {
    rig = await startReplayRig('agent-holding-bridge', { config: { agentMode: 'nailed-up', agents: [agent9001] } });
    const { driver, replay, events } = rig;
    const online = () => events.some((e) => e.type === 'agent' && e.agentCode === 'Agent/9001' && e.presence === 'online');
    await rig.until(online, 'the agent parked and online');
    expect(events.find((e) => e.type === 'agent')).toEqual({ type: 'agent', agentCode: 'Agent/9001', stationId: '9001', presence: 'online' });

    const callId = 'ccs-1-40-1';
    await driver.placeCall(callRequest(callId, '0987654325'));
    await rig.until(() => rig!.callEvents(callId).some((e) => e.type === 'answered'), 'the answer');
    await driver.connectAgent(callId, agent9001, { record: false });
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');
    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'connected', 'ended']);
    expect(rig.ended(callId)[0]!.cause).toBe('normal');

    // Back in the holding bridge, then out of service at sign-out.
    const gate = await replay.waitForGate();
    expect(gate).toMatchObject({ method: 'DELETE', path: expect.stringMatching(/^\/ari\/channels\//) });
    const moves = replay.requests.filter((r) => /addChannel|removeChannel/.test(r.url.pathname)).map((r) => r.url.pathname.split('/').pop() + ' ' + r.url.search);
    expect(moves).toEqual([
      expect.stringMatching(/^addChannel \?channel=ccs-agent-9001-id\d+-leg&role=participant$/),
      `addChannel ?channel=${callId}`,
      expect.stringMatching(/^addChannel \?channel=ccs-agent-9001-id\d+-leg$/),
      expect.stringMatching(/^removeChannel \?channel=ccs-agent-9001-id\d+-leg$/),
      expect.stringMatching(/^addChannel \?channel=ccs-agent-9001-id\d+-leg&role=participant$/),
    ]);
    await driver.signOutAgent('Agent/9001');
    expect(await replay.waitForGate()).toBe('end');
    expect(events.filter((e) => e.type === 'agent').map((e) => e.type === 'agent' && e.presence)).toEqual(['online']);
    expect(replay.unexpected).toEqual([]);
  });
});
