/**
 * The captured Asterisk restart (ws-reconnect): the events WebSocket drops without a close
 * frame, connections are refused for ~3 s, then ARI is back with a new startup time, no
 * channels and no replayed events. The driver reports down, refuses calls, reconnects with
 * back-off, detects the restart, and every call it had ends exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { START, callRequest, startReplayRig, type ReplayRig, type ReplayRigOptions } from '../../support/ari-replay/replay-rig.ts';

/** The capture put the answered customer alone in a bridge; the driver under test does not. */
const withoutCaptureBridge: ReplayRigOptions = { replay: { loose: (r) => r.path.startsWith('/ari/bridges') } };

describe('ARI driver across the captured Asterisk restart', () => {
  let rig: ReplayRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** Places the flow's call, lets the replay run into the outage, then brings ARI back. */
  async function throughRestart(r: ReplayRig, callId: string): Promise<void> {
    await r.driver.placeCall(callRequest(callId, '0987654320'));
    await r.until(() => r.events.some((e) => e.type === 'driver' && e.state === 'down'), 'the driver down');
    expect(r.driver.health().ready).toBe(false);
    await expect(r.driver.placeCall(callRequest('ccs-9-9-9', '0987654320'))).rejects.toThrow(/ARI is not ready/);
    // A few refused reconnects while Asterisk is stopped, then it listens again.
    for (let i = 0; i < 4; i++) await r.clock.advanceBy(250 * 2 ** i);
    await r.until(() => /unreachable/.test(r.driver.health().reason ?? ''), 'the outage explained');
    await r.replay.restore();
    for (let i = 0; i < 40 && !r.driver.health().ready; i++) {
      await r.clock.advanceBy(500);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await r.until(() => r.driver.health().ready, 'the driver up again');
  }

  it('as captured: the call cut by the shutdown ends normal from its events; down, refused calls, then up again', async () => {
    rig = await startReplayRig('ws-reconnect', withoutCaptureBridge);
    const callId = 'ccs-1-30-1';
    await throughRestart(rig, callId);

    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'ended']);
    expect(rig.ended(callId)[0]).toMatchObject({ cause: 'normal', detail: 'Q.850 16 Normal Clearing' });
    const driverEvents = rig.events.filter((e) => e.type === 'driver').map((e) => e.type === 'driver' && e.state);
    expect(driverEvents).toEqual(['up', 'down', 'up']);
    expect(rig.events.find((e) => e.type === 'driver' && e.state === 'down')).toMatchObject({ reason: expect.stringMatching(/WebSocket closed/) });
    expect(await rig.driver.liveCalls()).toEqual([]);
    const infoAsked = rig.replay.answered.filter((a) => a.request.url.pathname === '/ari/asterisk/info' && a.by === 'transcript');
    expect(infoAsked).toHaveLength(2);
    expect(rig.replay.unexpected).toEqual([]);
  });

  it('events lost in the outage: after the restart the answered call ARI no longer has ends normal, once, at the outage', async () => {
    rig = await startReplayRig('ws-reconnect', { replay: { ...withoutCaptureBridge.replay, dropEvent: (r) => r.t > 3000 } });
    const callId = 'ccs-1-31-1';
    await throughRestart(rig, callId);
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');

    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'answered', 'ended']);
    const ended = rig.ended(callId)[0]!;
    expect(ended).toMatchObject({ cause: 'normal', detail: 'Asterisk restarted: the call is gone' });
    expect(ended.at - START).toBeCloseTo(4191.4, 0);
    // The end is reported before the driver calls itself up, so the engine's reconciliation agrees.
    const endedAt = rig.events.indexOf(ended);
    const upAgain = rig.events.findLastIndex((e) => e.type === 'driver' && e.state === 'up');
    expect(endedAt).toBeLessThan(upAgain);
  });

  it('events lost in the outage: an unanswered call ARI no longer has ends as failed', async () => {
    rig = await startReplayRig('ws-reconnect', { replay: { ...withoutCaptureBridge.replay, dropEvent: (r) => r.t > 2000 } });
    const callId = 'ccs-1-32-1';
    await throughRestart(rig, callId);
    await rig.until(() => rig!.ended(callId).length > 0, 'the end of the call');

    expect(rig.callEvents(callId).map((e) => e.type)).toEqual(['ringing', 'ended']);
    expect(rig.ended(callId)[0]).toMatchObject({ cause: 'failed' });
  });
});
