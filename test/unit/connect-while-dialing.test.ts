/**
 * The PBX connection of a cluster node (connect-while-dialing.ts): no connection while the node
 * dials nothing (Asterisk gives an application's events to the last WebSocket connected, so a
 * spare must not connect), a fresh one when it takes a group, agents signed in meanwhile signed
 * in on connecting, and disconnected when it holds no group any more.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/system-clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { AgentRef, PlaceCallRequest, TelephonyDriver, TelephonyListener } from '../../src/ports/telephony.ts';
import { connectWhileDialing } from '../../src/telephony/connect-while-dialing.ts';

interface Fake extends TelephonyDriver {
  log: string[];
  listener: TelephonyListener | null;
}

function fakeDriver(n: number, journal: string[]): Fake {
  let up = false;
  const log = journal;
  const driver: Fake = {
    name: 'asterisk',
    log,
    listener: null,
    async start(listener: TelephonyListener) {
      driver.listener = listener;
      up = true;
      log.push(`${n} start`);
    },
    async stop() {
      up = false;
      log.push(`${n} stop`);
    },
    async placeCall(request: PlaceCallRequest) {
      log.push(`${n} place ${request.callId}`);
    },
    async connectAgent(callId: string) {
      log.push(`${n} connect ${callId}`);
    },
    async abandonCall() {},
    async hangup(callId: string) {
      log.push(`${n} hangup ${callId}`);
    },
    async liveCalls() {
      return ['ccs-1-1-1'];
    },
    async signInAgent(agent: AgentRef) {
      log.push(`${n} sign-in ${agent.agentCode}`);
    },
    async signOutAgent(agentCode: string) {
      log.push(`${n} sign-out ${agentCode}`);
    },
    health: () => (up ? { ready: true } : { ready: false, reason: 'stopped' }),
    async hold() {},
    async resume() {},
    async mute() {},
    async unmute() {},
    async sendDtmf() {},
    async blindTransfer() {},
    async attendedTransfer() {},
    async completeTransfer() {},
    async cancelTransfer() {},
    async conference() {},
  } as unknown as Fake;
  return driver;
}

const request = { callId: 'ccs-1-2-1', number: '0987654320', callerId: null, ringTimeoutSeconds: 20, trunkChannelLimit: 0, tags: { campaignId: 1, contactId: 2, attemptNo: 1 } };

describe('the PBX connection of a cluster node', () => {
  it('a node that dials nothing does not connect, answers ready, lists no calls and refuses call requests', async () => {
    const journal: string[] = [];
    const link = connectWhileDialing(fakeDriver(1, journal), async () => fakeDriver(2, journal), { clock: systemClock, logger: silentLogger });
    await link.driver.start(() => {});
    await link.driver.signInAgent({ agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' });
    expect(journal).toEqual([]);
    expect(link.driver.health()).toEqual({ ready: true });
    expect(await link.driver.liveCalls()).toEqual([]);
    await expect(link.driver.placeCall(request)).rejects.toThrow(/does not dial/);
  });

  it('connects when it takes a group (made by start when asked before it), signs in the agents it was given, and forwards requests', async () => {
    const journal: string[] = [];
    const link = connectWhileDialing(fakeDriver(1, journal), async () => fakeDriver(2, journal), { clock: systemClock, logger: silentLogger });
    await link.driver.signInAgent({ agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' });
    const connecting = link.connect(); // the group was held before the engine started the driver
    await link.driver.start(() => {});
    await connecting;
    expect(journal).toEqual(['1 start', '1 sign-in Agent/9001']);
    expect(await link.driver.liveCalls()).toEqual(['ccs-1-1-1']);
    await link.driver.placeCall(request);
    await link.driver.hangup(request.callId);
    expect(journal.slice(2)).toEqual(['1 place ccs-1-2-1', '1 hangup ccs-1-2-1']);
  });

  it('disconnects when it holds no group, and a later group gets a fresh connection with the agents still signed in', async () => {
    const journal: string[] = [];
    const link = connectWhileDialing(fakeDriver(1, journal), async () => fakeDriver(2, journal), { clock: systemClock, logger: silentLogger });
    await link.driver.start(() => {});
    await link.connect();
    await link.driver.signInAgent({ agentCode: 'Agent/9001', stationId: '9001', endpoint: 'PJSIP/9001' });
    await link.driver.signInAgent({ agentCode: 'Agent/9002', stationId: '9002', endpoint: 'PJSIP/9002' });
    await link.driver.signOutAgent('Agent/9002');
    await link.disconnect();
    await expect(link.driver.placeCall(request)).rejects.toThrow(/does not dial/);
    await link.connect();
    expect(journal).toEqual(['1 start', '1 sign-in Agent/9001', '1 sign-in Agent/9002', '1 sign-out Agent/9002', '1 stop', '2 start', '2 sign-in Agent/9001']);
    await link.driver.stop();
    expect(journal.at(-1)).toBe('2 stop');
  });
});
