/**
 * The telephony conformance suite: the rules of the telephony port (src/ports/telephony.ts)
 * that every driver passes, whatever PBX (or stand-in) is behind it. A driver's test file
 * calls `describeTelephonyConformance(name, setup)`; `setup` builds a fresh rig per test.
 *
 * The rig hands over an unstarted driver (the suite starts it with its own listener and
 * stops it after each test), one agent the driver can bridge, four numbers whose far end
 * behaves as named, and `advance(ms)`, which lets `ms` of (virtual or real) time pass.
 * The answered number must keep talking for at least a few seconds after being bridged;
 * the no-answer number must ring until the ring timeout.
 *
 * Call controls (hold, mute, DTMF, transfer, conference) need two agents: the first takes
 * the call, the second is the transfer target; `transferNumbers` are an external number
 * that answers and one that is busy. The answered number must then keep talking for 20 s.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallControlError, type AgentRef, type PlaceCallRequest, type TelephonyDriver, type TelephonyEvent } from '../../src/ports/telephony.ts';

export interface ConformanceRig {
  driver: TelephonyDriver;
  agents: AgentRef[];
  numbers: { answered: string; busy: string; noAnswer: string; congestion: string };
  /** External transfer targets: one that answers, one that is busy. */
  transferNumbers: { answers: string; busy: string };
  advance(ms: number): Promise<void>;
  teardown(): Promise<void>;
}

type CallEvent = Extract<TelephonyEvent, { callId: string }>;
type Ended = Extract<TelephonyEvent, { type: 'ended' }>;

const STEP_MS = 100;
const WAIT_LIMIT_MS = 20_000;

export function describeTelephonyConformance(name: string, setup: () => Promise<ConformanceRig>): void {
  describe(`telephony conformance: ${name}`, () => {
    let rig: ConformanceRig;
    let driver: TelephonyDriver;
    let events: TelephonyEvent[];
    let sequence = 0;
    const runId = Math.random().toString(36).slice(2, 8);

    beforeEach(async () => {
      rig = await setup();
      driver = rig.driver;
      events = [];
      await driver.start((event) => events.push(event));
    });

    afterEach(async () => {
      await driver.stop();
      await rig.teardown();
    });

    const newCallId = () => `conf-${runId}-${++sequence}`;
    const request = (callId: string, number: string, overrides: Partial<PlaceCallRequest> = {}): PlaceCallRequest => ({
      callId,
      number,
      callerId: null,
      ringTimeoutSeconds: 30,
      trunkChannelLimit: 0,
      tags: { campaignId: 1, contactId: sequence, attemptNo: 1 },
      ...overrides,
    });
    const callEvents = (callId: string): CallEvent[] =>
      events.filter((e): e is CallEvent => 'callId' in e && e.callId === callId);
    /** Event types of a call in order, a repeated event (allowed by the port) counted once. */
    const typesOf = (callId: string) => [...new Set(callEvents(callId).map((e) => e.type))];
    const endedOf = (callId: string) => callEvents(callId).filter((e): e is Ended => e.type === 'ended');
    const has = (callId: string, type: CallEvent['type']) => callEvents(callId).some((e) => e.type === type);

    /** Lets time pass in small steps until `predicate` holds; fails after a bounded wait. */
    async function until(predicate: () => boolean, what: string, limitMs = WAIT_LIMIT_MS): Promise<void> {
      for (let waited = 0; !predicate(); waited += STEP_MS) {
        if (waited >= limitMs) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
        await rig.advance(STEP_MS);
      }
    }

    async function answeredCall(): Promise<string> {
      const callId = newCallId();
      await driver.placeCall(request(callId, rig.numbers.answered));
      await until(() => has(callId, 'answered') || has(callId, 'ended'), 'the answer');
      expect(typesOf(callId)).toContain('answered');
      return callId;
    }

    it('reports the driver up after start and is ready', async () => {
      await until(() => events.some((e) => e.type === 'driver' && e.state === 'up'), 'driver up');
      expect(driver.health().ready).toBe(true);
    });

    it('an answered call rings, answers, connects the agent and ends once, normal, with a saved recording', async () => {
      const agent = rig.agents[0]!;
      const callId = await answeredCall();
      await driver.connectAgent(callId, agent, { record: true });
      await until(() => has(callId, 'connected') || has(callId, 'ended'), 'the bridge');
      const connected = callEvents(callId).find((e) => e.type === 'connected');
      expect(connected).toMatchObject({ type: 'connected', callId, agentCode: agent.agentCode });
      await rig.advance(1000);
      await driver.hangup(callId);
      await until(() => has(callId, 'ended'), 'the end of the call');
      await rig.advance(2000);

      expect(typesOf(callId)).toEqual(['ringing', 'answered', 'connected', 'ended']);
      const [ended, ...more] = endedOf(callId);
      expect(more).toEqual([]);
      expect(ended!.cause).toBe('normal');
      expect(ended!.recording).toMatchObject({ status: 'saved', key: expect.any(String) });
    });

    it('a call bridged without recording reports no saved recording', async () => {
      const callId = await answeredCall();
      await driver.connectAgent(callId, rig.agents[0]!, { record: false });
      await until(() => has(callId, 'connected') || has(callId, 'ended'), 'the bridge');
      await driver.hangup(callId);
      await until(() => has(callId, 'ended'), 'the end of the call');
      expect(endedOf(callId)[0]!.recording?.status).not.toBe('saved');
    });

    for (const [label, numberOf, cause] of [
      ['busy', (r: ConformanceRig) => r.numbers.busy, 'busy'],
      ['congested', (r: ConformanceRig) => r.numbers.congestion, 'congestion'],
    ] as const) {
      it(`a ${label} number ends with cause ${cause} and never answers`, async () => {
        const callId = newCallId();
        await driver.placeCall(request(callId, numberOf(rig)));
        await until(() => has(callId, 'ended'), 'the end of the call');
        await rig.advance(1000);
        expect(endedOf(callId).map((e) => e.cause)).toEqual([cause]);
        expect(typesOf(callId)).not.toContain('answered');
        expect(typesOf(callId)).not.toContain('connected');
      });
    }

    it('an unanswered call rings until the ring timeout, then ends as no-answer', async () => {
      const callId = newCallId();
      await driver.placeCall(request(callId, rig.numbers.noAnswer, { ringTimeoutSeconds: 3 }));
      await rig.advance(2500);
      expect(typesOf(callId)).toEqual(['ringing']);
      await until(() => has(callId, 'ended'), 'the ring timeout', 3000);
      await rig.advance(1000);
      expect(typesOf(callId)).toEqual(['ringing', 'ended']);
      expect(endedOf(callId)[0]!.cause).toBe('no-answer');
    });

    it("events carry the engine's call id", async () => {
      const placed = [newCallId(), newCallId(), newCallId()];
      await driver.placeCall(request(placed[0]!, rig.numbers.answered));
      await driver.placeCall(request(placed[1]!, rig.numbers.busy));
      await driver.placeCall(request(placed[2]!, rig.numbers.noAnswer, { ringTimeoutSeconds: 2 }));
      await until(() => has(placed[1]!, 'ended') && has(placed[2]!, 'ended') && has(placed[0]!, 'answered'), 'every call to progress');
      await driver.hangup(placed[0]!);
      await until(() => has(placed[0]!, 'ended'), 'the end of the answered call');
      const seen = new Set(events.filter((e): e is CallEvent => 'callId' in e).map((e) => e.callId));
      expect([...seen].sort()).toEqual([...placed].sort());
    });

    it('hanging up a ringing call ends it once, as no-answer, without an answer', async () => {
      const callId = newCallId();
      await driver.placeCall(request(callId, rig.numbers.noAnswer, { ringTimeoutSeconds: 60 }));
      await until(() => has(callId, 'ringing'), 'ringing');
      await driver.hangup(callId);
      await until(() => has(callId, 'ended'), 'the end of the call');
      await rig.advance(2000);
      expect(typesOf(callId)).toEqual(['ringing', 'ended']);
      expect(endedOf(callId)[0]!.cause).toBe('no-answer');
    });

    it('hanging up an unknown call is harmless', async () => {
      await expect(driver.hangup(`unknown-${runId}`)).resolves.toBeUndefined();
      await rig.advance(500);
      expect(events.filter((e) => 'callId' in e)).toEqual([]);
      expect(driver.health().ready).toBe(true);
    });

    it('hanging up twice reports the end with one stable cause', async () => {
      const callId = await answeredCall();
      await Promise.all([driver.hangup(callId), driver.hangup(callId)]);
      await until(() => has(callId, 'ended'), 'the end of the call');
      await driver.hangup(callId);
      await rig.advance(2000);
      const causes = endedOf(callId).map((e) => e.cause);
      expect(causes.length).toBeGreaterThanOrEqual(1);
      expect(new Set(causes)).toEqual(new Set(['normal']));
    });

    it('liveCalls lists an active call and not an ended one', async () => {
      const callId = newCallId();
      await driver.placeCall(request(callId, rig.numbers.noAnswer, { ringTimeoutSeconds: 60 }));
      await until(() => has(callId, 'ringing'), 'ringing');
      expect(await driver.liveCalls()).toContain(callId);
      await driver.hangup(callId);
      await until(() => has(callId, 'ended'), 'the end of the call');
      expect(await driver.liveCalls()).not.toContain(callId);
    });

    it('abandonCall ends an answered call with cause abandoned', async () => {
      const callId = await answeredCall();
      await driver.abandonCall(callId);
      await until(() => has(callId, 'ended'), 'the end of the abandon message');
      await rig.advance(1000);
      expect(endedOf(callId).map((e) => e.cause)).toEqual(['abandoned']);
      expect(typesOf(callId)).not.toContain('connected');
    });

    it('refuses a call beyond the trunk channel limit and owes no ended for it', async () => {
      const first = newCallId();
      const second = newCallId();
      await driver.placeCall(request(first, rig.numbers.noAnswer, { ringTimeoutSeconds: 60, trunkChannelLimit: 1 }));
      await expect(driver.placeCall(request(second, rig.numbers.noAnswer, { ringTimeoutSeconds: 60, trunkChannelLimit: 1 }))).rejects.toThrow();
      await driver.hangup(first);
      await until(() => has(first, 'ended'), 'the end of the first call');
      await rig.advance(1000);
      expect(callEvents(second)).toEqual([]);
    });

    it('signing in an agent reports it online', async () => {
      const agent = rig.agents[0]!;
      await until(() => events.some((e) => e.type === 'driver' && e.state === 'up'), 'driver up');
      const before = events.length;
      await driver.signInAgent(agent);
      const online = () =>
        events.slice(before).some((e) => e.type === 'agent' && e.agentCode === agent.agentCode && e.presence === 'online');
      await until(online, 'the agent online');
      const presence = events.slice(before).find((e) => e.type === 'agent' && e.agentCode === agent.agentCode);
      expect(presence).toMatchObject({ stationId: agent.stationId });
    });

    async function connectedCall(agent: AgentRef = rig.agents[0]!): Promise<string> {
      const callId = await answeredCall();
      await driver.connectAgent(callId, agent, { record: true });
      await until(() => has(callId, 'connected') || has(callId, 'ended'), 'the bridge');
      expect(typesOf(callId)).toContain('connected');
      return callId;
    }
    const countOf = (callId: string, type: CallEvent['type']) => callEvents(callId).filter((e) => e.type === type).length;
    const consultPhases = (callId: string) => callEvents(callId).flatMap((e) => (e.type === 'consult' ? [e.phase] : []));
    const refusal = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CallControlError);
      return (error as CallControlError).code;
    };
    async function endAndCheck(callId: string): Promise<void> {
      await driver.hangup(callId);
      await until(() => has(callId, 'ended'), 'the end of the call');
      await rig.advance(2000);
      const [ended, ...more] = endedOf(callId);
      expect(more).toEqual([]);
      expect(ended!.cause).toBe('normal');
      expect(ended!.recording).toMatchObject({ status: 'saved' });
    }
    const target = (i: number) => ({ kind: 'agent' as const, agent: rig.agents[i]! });

    it('hold and resume a connected call: one event each, a repeat changes nothing, the call goes on', async () => {
      const callId = await connectedCall();
      await driver.hold(callId);
      await until(() => has(callId, 'held'), 'held');
      await driver.hold(callId);
      await rig.advance(1500);
      await driver.resume(callId);
      await until(() => has(callId, 'resumed'), 'resumed');
      await rig.advance(500);
      expect(countOf(callId, 'held')).toBe(1);
      expect(countOf(callId, 'resumed')).toBe(1);
      expect(has(callId, 'ended')).toBe(false);
      await endAndCheck(callId);
    });

    it('mute and unmute the agent, and send DTMF; digits that are not DTMF are refused', async () => {
      const callId = await connectedCall();
      await driver.mute(callId);
      await until(() => has(callId, 'muted'), 'muted');
      await driver.unmute(callId);
      await until(() => has(callId, 'unmuted'), 'unmuted');
      await driver.sendDtmf(callId, '12#');
      expect(await refusal(driver.sendDtmf(callId, '12x'))).toBe('invalid-digits');
      await endAndCheck(callId);
    });

    it('refuses controls on an unknown call and on a call not connected to an agent', async () => {
      expect(await refusal(driver.hold(`unknown-${runId}`))).toBe('no-call');
      const callId = await answeredCall();
      expect(await refusal(driver.hold(callId))).toBe('not-connected');
      expect(await refusal(driver.transfer(callId, target(1), { mode: 'blind' }))).toBe('not-connected');
      await driver.hangup(callId);
      await until(() => has(callId, 'ended'), 'the end of the call');
    });

    it('attended transfer to an agent: the customer is held, the target answers, complete hands the customer over; one end, one recording', async () => {
      const callId = await connectedCall();
      await driver.transfer(callId, target(1), { mode: 'attended' });
      await until(() => consultPhases(callId).includes('answered'), 'the target to answer');
      expect(has(callId, 'held')).toBe(true);
      expect(consultPhases(callId)).toEqual(['ringing', 'answered']);
      expect(has(callId, 'transferred')).toBe(false);
      expect(await refusal(driver.transfer(callId, target(1), { mode: 'attended' }))).toBe('transfer-state');
      await driver.completeTransfer(callId);
      await until(() => has(callId, 'transferred'), 'the transfer');
      const transferred = callEvents(callId).find((e) => e.type === 'transferred');
      expect(transferred).toMatchObject({ party: { kind: 'agent', agentCode: rig.agents[1]!.agentCode } });
      await until(() => has(callId, 'resumed'), 'the customer off hold');
      await rig.advance(1000);
      expect(has(callId, 'ended')).toBe(false);
      await endAndCheck(callId);
    });

    it('blind transfer to an agent completes by itself when the target answers', async () => {
      const callId = await connectedCall();
      await driver.transfer(callId, target(1), { mode: 'blind' });
      await until(() => has(callId, 'transferred'), 'the transfer');
      expect(consultPhases(callId)).toEqual(['ringing', 'answered']);
      await rig.advance(1000);
      expect(has(callId, 'ended')).toBe(false);
      await endAndCheck(callId);
    });

    it('a consult cancelled returns the agent to the customer; complete is then refused', async () => {
      const callId = await connectedCall();
      await driver.transfer(callId, target(1), { mode: 'attended' });
      await until(() => consultPhases(callId).includes('answered'), 'the target to answer');
      await driver.cancelTransfer(callId);
      await until(() => consultPhases(callId).includes('ended') && has(callId, 'resumed'), 'the consult to end');
      expect(has(callId, 'transferred')).toBe(false);
      expect(await refusal(driver.completeTransfer(callId))).toBe('transfer-state');
      expect(await refusal(driver.cancelTransfer(callId))).toBe('transfer-state');
      await endAndCheck(callId);
    });

    it('three-way conference: the consulted agent joins, then leaves when dropped; the call goes on', async () => {
      const callId = await connectedCall();
      expect(await refusal(driver.conference(callId))).toBe('transfer-state');
      await driver.transfer(callId, target(1), { mode: 'attended' });
      await until(() => consultPhases(callId).includes('answered'), 'the target to answer');
      await driver.conference(callId);
      await until(() => callEvents(callId).some((e) => e.type === 'conference' && e.phase === 'joined'), 'the conference');
      expect(has(callId, 'resumed')).toBe(true);
      await driver.cancelTransfer(callId);
      await until(() => callEvents(callId).some((e) => e.type === 'conference' && e.phase === 'left'), 'the party to leave');
      await rig.advance(1000);
      expect(has(callId, 'ended')).toBe(false);
      await endAndCheck(callId);
    });

    it('a transfer to an agent on another call fails busy and the customer is resumed with the agent', async () => {
      const other = await connectedCall(rig.agents[1]!);
      const callId = await connectedCall(rig.agents[0]!);
      await driver.transfer(callId, target(1), { mode: 'attended' });
      await until(() => consultPhases(callId).includes('failed'), 'the consult to fail');
      const failed = callEvents(callId).find((e) => e.type === 'consult' && e.phase === 'failed');
      expect(failed).toMatchObject({ reason: 'busy', party: { kind: 'agent', agentCode: rig.agents[1]!.agentCode } });
      await until(() => has(callId, 'resumed'), 'the customer resumed');
      expect(has(callId, 'transferred')).toBe(false);
      expect(has(other, 'ended')).toBe(false);
      await endAndCheck(callId);
      await driver.hangup(other);
      await until(() => has(other, 'ended'), 'the other call to end');
    });

    it('transfers to an external number through the trunk; a busy number fails busy', async () => {
      const callId = await connectedCall();
      await driver.transfer(callId, { kind: 'number', number: rig.transferNumbers.busy }, { mode: 'blind' });
      await until(() => consultPhases(callId).includes('failed'), 'the busy number');
      expect(callEvents(callId).find((e) => e.type === 'consult' && e.phase === 'failed')).toMatchObject({ reason: 'busy' });
      await until(() => has(callId, 'resumed'), 'the customer resumed');
      await driver.transfer(callId, { kind: 'number', number: rig.transferNumbers.answers }, { mode: 'blind' });
      await until(() => has(callId, 'transferred'), 'the transfer');
      expect(callEvents(callId).find((e) => e.type === 'transferred')).toMatchObject({ party: { kind: 'number', number: rig.transferNumbers.answers } });
      await rig.advance(1000);
      expect(has(callId, 'ended')).toBe(false);
      await endAndCheck(callId);
    });
  });
}
