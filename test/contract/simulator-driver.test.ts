/**
 * The simulated call floor: the telephony conformance suite, then what only the simulator
 * promises (the fixture carrier's script, agents, recordings, crash and stop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock, settleMacrotasks } from '../../src/clock/virtual-clock.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { createFileRecordingStore } from '../../src/recordings/file-recording-store.ts';
import { lastDigitScript } from '../../src/telephony/simulator/customer-behaviour.ts';
import { createSimulatorDriver, type SimulatorDriver } from '../../src/telephony/simulator/simulator-driver.ts';
import { callRequest, eventsOf, START, startSimulator, type SimulatorHarness } from './simulator-harness.ts';
import { describeTelephonyConformance } from './telephony-conformance.ts';

describeTelephonyConformance('simulator', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccs-sim-rec-'));
  let driver: SimulatorDriver | undefined;
  const clock = new VirtualClock(START, {
    settle: async () => {
      await settleMacrotasks(2);
      await driver?.whenIdle();
    },
  });
  driver = createSimulatorDriver(
    { seed: 42, agents: 3, script: lastDigitScript, talkSeconds: { kind: 'uniform', min: 30, max: 60 } },
    { clock, recordings: createFileRecordingStore(dir, { clock, fsync: false }), logger: silentLogger },
  );
  return {
    driver,
    agents: [
      { agentCode: 'Agent/9001', stationId: '9001' },
      { agentCode: 'Agent/9002', stationId: '9002' },
    ],
    numbers: { answered: '0987654320', busy: '0987654321', noAnswer: '0987654322', congestion: '0987654323' },
    transferNumbers: { answers: '0912345670', busy: '0912345671' },
    advance: (ms) => clock.advanceBy(ms),
    teardown: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('simulated call floor', () => {
  let harness: SimulatorHarness | undefined;
  afterEach(async () => {
    await harness?.driver.stop();
    harness = undefined;
  });
  const scripted = async (extra: Parameters<typeof startSimulator>[0] = {}) =>
    (harness = await startSimulator({ seed: 7, agents: 2, script: lastDigitScript, ...extra }));

  it('follows the fixture carrier: the last digit of the number decides the outcome', async () => {
    const h = await scripted({ talkSeconds: { kind: 'uniform', min: 100, max: 100 } });
    for (let digit = 0; digit <= 9; digit++) await h.driver.placeCall(callRequest(`c${digit}`, `098765432${digit}`, { ringTimeoutSeconds: 20 }));
    await h.clock.advanceBy(25_000);
    const outcome = (digit: number) => {
      const events = eventsOf(h.events, `c${digit}`);
      const ended = events.find((e) => e.type === 'ended');
      return { answered: events.some((e) => e.type === 'answered'), cause: ended?.type === 'ended' ? ended.cause : 'live', detail: ended?.type === 'ended' ? ended.detail : undefined };
    };
    expect(outcome(1)).toMatchObject({ answered: false, cause: 'busy', detail: 'SIP 486 Busy Here' });
    expect(outcome(2)).toMatchObject({ answered: false, cause: 'no-answer', detail: 'ring timeout' });
    expect(outcome(3)).toMatchObject({ answered: false, cause: 'congestion' });
    expect(outcome(4)).toMatchObject({ answered: false, cause: 'no-answer', detail: 'SIP 480 Temporarily Unavailable' });
    expect(outcome(5)).toMatchObject({ answered: true, cause: 'normal' });
    expect(outcome(6)).toMatchObject({ answered: false, cause: 'no-answer', detail: 'SIP 404 Not Found' });
    expect(outcome(7)).toMatchObject({ answered: false, cause: 'no-answer', detail: 'SIP 603 Decline' });
    for (const digit of [0, 8, 9]) expect(outcome(digit)).toMatchObject({ answered: true, cause: 'live' });
    expect(await h.driver.liveCalls()).toEqual(['c0', 'c8', 'c9']);
  });

  describe('call controls on the floor', () => {
    const agent = (n: number) => ({ agentCode: `Agent/900${n}`, stationId: `900${n}` });
    async function talking(h: SimulatorHarness, callId: string, n = 1): Promise<void> {
      await h.driver.placeCall(callRequest(callId, '0987654320'));
      await h.clock.advanceBy(5_000);
      await h.driver.connectAgent(callId, agent(n), { record: true });
      await h.clock.advanceBy(2_000);
      expect(eventsOf(h.events, callId).map((e) => e.type)).toContain('connected');
    }
    const presence = (h: SimulatorHarness, code: string) => h.events.flatMap((e) => (e.type === 'agent' && e.agentCode === code ? [e.presence] : []));

    it("an agent's phone that unregisters mid-call ends the call and takes the agent offline; it comes back online when it registers", async () => {
      const h = await scripted({ talkSeconds: { kind: 'uniform', min: 100, max: 100 } });
      await talking(h, 'c1');
      h.driver.setPhoneRegistered('Agent/9001', false);
      await h.clock.advanceBy(1_000);
      const ended = eventsOf(h.events, 'c1').find((e) => e.type === 'ended');
      expect(ended).toMatchObject({ cause: 'normal', detail: 'agent phone unregistered', recording: { status: 'saved' } });
      expect(presence(h, 'Agent/9001').at(-1)).toBe('offline');
      h.driver.setPhoneRegistered('Agent/9001', true);
      await h.clock.advanceBy(1_000);
      expect(presence(h, 'Agent/9001').at(-1)).toBe('online');
    });

    it('an agent whose phone is unregistered before it signs in stays offline until the phone registers (a browser phone)', async () => {
      const h = await scripted({});
      h.driver.setPhoneRegistered('Desk/7001', false);
      await h.driver.signInAgent({ agentCode: 'Desk/7001', stationId: '7001' });
      await h.clock.advanceBy(1_000);
      expect(presence(h, 'Desk/7001')).toEqual(['offline']);
      h.driver.setPhoneRegistered('Desk/7001', true);
      await h.clock.advanceBy(1_000);
      expect(presence(h, 'Desk/7001').at(-1)).toBe('online');
      // Signed out and in again with its phone still registered: online at once.
      await h.driver.signOutAgent('Desk/7001');
      await h.driver.signInAgent({ agentCode: 'Desk/7001', stationId: '7001' });
      await h.clock.advanceBy(1_000);
      expect(presence(h, 'Desk/7001').at(-1)).toBe('online');
    });

    it("a consulted agent whose phone unregisters ends the consult: the customer is resumed with the first agent", async () => {
      const h = await scripted({ talkSeconds: { kind: 'uniform', min: 100, max: 100 } });
      await talking(h, 'c1');
      await h.driver.transfer('c1', { kind: 'agent', agent: agent(2) }, { mode: 'attended' });
      await h.clock.advanceBy(2_000);
      h.driver.setPhoneRegistered('Agent/9002', false);
      await h.clock.advanceBy(1_000);
      const types = eventsOf(h.events, 'c1').map((e) => (e.type === 'consult' ? `consult ${e.phase}` : e.type));
      expect(types).toEqual(['ringing', 'answered', 'connected', 'held', 'consult ringing', 'consult answered', 'consult ended', 'resumed']);
      // Offline now: a new transfer to it fails offline.
      await h.driver.transfer('c1', { kind: 'agent', agent: agent(2) }, { mode: 'blind' });
      await h.clock.advanceBy(1_000);
      expect(eventsOf(h.events, 'c1').filter((e) => e.type === 'consult').at(-1)).toMatchObject({ phase: 'failed', reason: 'offline' });
    });

    it('keeps the DTMF sent on a call, and a number ending in 2 rings out as no-answer', async () => {
      const h = await scripted({ talkSeconds: { kind: 'uniform', min: 100, max: 100 } });
      await talking(h, 'c1');
      await h.driver.sendDtmf('c1', '12');
      await h.driver.sendDtmf('c1', '#');
      expect(h.driver.dtmfSent('c1')).toBe('12#');
      await h.driver.transfer('c1', { kind: 'number', number: '0912345672' }, { mode: 'blind' });
      await h.clock.advanceBy(25_000);
      expect(eventsOf(h.events, 'c1').filter((e) => e.type === 'consult').map((e) => (e as { phase: string }).phase)).toEqual(['ringing', 'failed']);
      expect(eventsOf(h.events, 'c1').find((e) => e.type === 'consult' && e.phase === 'failed')).toMatchObject({ reason: 'no-answer' });
    });
  });

  it('a number ending in 5 answers after 1 s and hangs up 3 s after answering', async () => {
    const h = await scripted();
    await h.driver.placeCall(callRequest('c5', '0987654325'));
    await h.clock.advanceBy(10_000);
    const at = Object.fromEntries(eventsOf(h.events, 'c5').map((e) => [e.type, e.at - START]));
    expect(at).toMatchObject({ answered: 1000, ended: 4000 });
    expect(at.ringing).toBeLessThanOrEqual(1000);
  });

  it('a customer who would answer after the ring timeout ends as no-answer at the timeout', async () => {
    const h = await scripted({ script: () => ({ kind: 'answer', answerAfterSeconds: 40 }) });
    await h.driver.placeCall(callRequest('late', '0123', { ringTimeoutSeconds: 30 }));
    await h.clock.advanceBy(60_000);
    const events = eventsOf(h.events, 'late');
    expect(events.map((e) => e.type)).toEqual(['ringing', 'ended']);
    expect(events[1]).toMatchObject({ cause: 'no-answer', at: START + 30_000 });
  });

  it('emits nothing inside a command: events go out when the clock runs', async () => {
    const h = await scripted();
    await h.clock.advanceBy(0);
    h.events.length = 0;
    await h.driver.placeCall(callRequest('c', '0987654321'));
    await h.driver.signInAgent({ agentCode: 'Agent/7', stationId: '7' });
    expect(h.events).toEqual([]);
    await h.clock.advanceBy(1000);
    expect(h.events.map((e) => e.type).sort()).toEqual(['agent', 'ended']);
  });

  it('announces virtual agents online with auto wrap-up; a signed-in human has none', async () => {
    const h = await scripted({ wrapUpSeconds: 12 });
    await h.driver.signInAgent({ agentCode: 'Agent/7001', stationId: '7001' });
    await h.clock.advanceBy(0);
    expect(h.events.filter((e) => e.type === 'agent')).toEqual([
      { type: 'agent', agentCode: 'Agent/9001', stationId: '9001', presence: 'online', autoWrapUpSeconds: 12 },
      { type: 'agent', agentCode: 'Agent/9002', stationId: '9002', presence: 'online', autoWrapUpSeconds: 12 },
      { type: 'agent', agentCode: 'Agent/7001', stationId: '7001', presence: 'online' },
    ]);
  });

  it('rejects connecting an unknown or signed-out agent, or a call not yet answered', async () => {
    const h = await scripted();
    await h.driver.placeCall(callRequest('c', '0987654320'));
    await h.clock.advanceBy(500);
    await expect(h.driver.connectAgent('c', { agentCode: 'Agent/9001', stationId: '9001' }, { record: false })).rejects.toThrow(/not answered/);
    await h.clock.advanceBy(2000);
    await expect(h.driver.connectAgent('c', { agentCode: 'Agent/1', stationId: '1' }, { record: false })).rejects.toThrow(/unknown agent/);
    await h.driver.signOutAgent('Agent/9001');
    await h.clock.advanceBy(0);
    expect(h.events.at(-1)).toEqual({ type: 'agent', agentCode: 'Agent/9001', stationId: '9001', presence: 'offline' });
    await expect(h.driver.connectAgent('c', { agentCode: 'Agent/9001', stationId: '9001' }, { record: false })).rejects.toThrow(/offline/);
    await h.driver.connectAgent('c', { agentCode: 'Agent/9002', stationId: '9002' }, { record: false });
    await h.clock.advanceBy(1000);
    expect(eventsOf(h.events, 'c').map((e) => e.type)).toEqual(['ringing', 'answered', 'connected']);
  });

  it('rejects a second live call with the same id and a malformed number', async () => {
    const h = await scripted();
    await h.driver.placeCall(callRequest('dup', '0987654322'));
    await expect(h.driver.placeCall(callRequest('dup', '0987654322'))).rejects.toThrow(/already exists/);
    await expect(h.driver.placeCall(callRequest('bad', '09-87'))).rejects.toThrow(/invalid number/);
    expect(h.driver.stats()).toMatchObject({ placed: 1, rejected: 2, live: 1 });
  });

  it('stores a WAV recording of the talk, capped at recordingSeconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccs-sim-wav-'));
    try {
      const recordings = (clock: Clock) => createFileRecordingStore(dir, { clock, fsync: false });
      const h = (harness = await startSimulator(
        { seed: 3, script: () => ({ kind: 'answer', answerAfterSeconds: 1, talkSeconds: 1.5 }), recordingSeconds: 1 },
        { recordings },
      ));
      const store = recordings(h.clock);
      for (const id of ['long', 'short']) await h.driver.placeCall(callRequest(id, '0123'));
      await h.clock.advanceBy(1500);
      await h.driver.connectAgent('long', { agentCode: 'Agent/9001', stationId: '9001' }, { record: true });
      await h.driver.connectAgent('short', { agentCode: 'Agent/9002', stationId: '9002' }, { record: true });
      await h.clock.advanceBy(500);
      await h.driver.hangup('short'); // 0.3 s after the bridge (connect takes 0.2 s)
      await h.clock.advanceBy(5000);
      const recordingOf = (id: string) => {
        const ended = eventsOf(h.events, id).find((e) => e.type === 'ended');
        return ended?.type === 'ended' ? ended.recording : undefined;
      };
      const sizes: number[] = [];
      for (const id of ['long', 'short']) {
        const recording = recordingOf(id);
        expect(recording).toMatchObject({ status: 'saved', key: `2026/01/05/${id}.wav` });
        const located = await store.locate((recording as { key: string }).key);
        const bytes = await readFile(located!.path);
        expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
        sizes.push(bytes.byteLength);
      }
      expect(sizes).toEqual([44 + 16_000, 44 + 4_800]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records the whole talk by default: 10 s of talk gives a 10 s WAV (8 kHz, 16-bit mono)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccs-sim-wav-'));
    try {
      const recordings = (clock: Clock) => createFileRecordingStore(dir, { clock, fsync: false });
      const h = (harness = await startSimulator({ seed: 3, script: () => ({ kind: 'answer', answerAfterSeconds: 1, talkSeconds: 10 }) }, { recordings }));
      await h.driver.placeCall(callRequest('talk', '0123'));
      await h.clock.advanceBy(1500);
      await h.driver.connectAgent('talk', { agentCode: 'Agent/9001', stationId: '9001' }, { record: true });
      await h.clock.advanceBy(15_000);
      const events = eventsOf(h.events, 'talk');
      const connected = events.find((e) => e.type === 'connected')!;
      const ended = events.find((e) => e.type === 'ended')!;
      expect(ended.at - connected.at).toBe(10_000);
      const recording = ended.type === 'ended' ? ended.recording : undefined;
      const bytes = await readFile((await recordings(h.clock).locate((recording as { key: string }).key))!.path);
      const header = new DataView(bytes.buffer, bytes.byteOffset, 44);
      const byteRate = header.getUint32(28, true);
      expect(byteRate).toBe(16_000);
      expect(header.getUint32(40, true) / byteRate).toBe(10);
      expect(bytes.byteLength).toBe(44 + 160_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a failed recording when the store cannot save it', async () => {
    const failing = { save: async () => Promise.reject(new Error('disk full')), locate: async () => null };
    const h = (harness = await startSimulator({ seed: 3, script: () => ({ kind: 'answer', answerAfterSeconds: 1, talkSeconds: 2 }) }, { recordings: failing }));
    await h.driver.placeCall(callRequest('c', '0123'));
    await h.clock.advanceBy(1000);
    await h.driver.connectAgent('c', { agentCode: 'Agent/9001', stationId: '9001' }, { record: true });
    await h.clock.advanceBy(5000);
    expect(eventsOf(h.events, 'c').at(-1)).toMatchObject({ type: 'ended', cause: 'normal', recording: { status: 'failed', reason: 'disk full' } });
    expect(h.driver.stats().recordingsFailed).toBe(1);
  });

  it('with failPlaceRate 1 every placeCall rejects and no ended is owed', async () => {
    const h = (harness = await startSimulator({ seed: 1, failPlaceRate: 1 }));
    await expect(h.driver.placeCall(callRequest('c', '0123'))).rejects.toThrow(/trunk failure/);
    await h.clock.advanceBy(120_000);
    expect(eventsOf(h.events, 'c')).toEqual([]);
    expect(h.driver.stats()).toMatchObject({ placed: 0, rejected: 1 });
  });

  it('crash() forgets every call without an ended, reports driver down then up, then serves calls again', async () => {
    const h = await scripted();
    for (const n of ['0987654320', '0987654322', '0987654325']) await h.driver.placeCall(callRequest(`old-${n}`, n, { ringTimeoutSeconds: 60 }));
    await h.clock.advanceBy(1500);
    h.driver.crash({ downForMs: 3000 });
    expect(await h.driver.liveCalls()).toEqual([]);
    expect(h.driver.health().ready).toBe(false);
    await expect(h.driver.placeCall(callRequest('during', '0987654320'))).rejects.toThrow(/down/);
    const mark = h.events.length;
    await h.clock.advanceBy(3000);
    const after = h.events.slice(mark);
    expect(after.filter((e) => e.type === 'driver')).toEqual([
      { type: 'driver', state: 'down', reason: 'simulated PBX restart' },
      { type: 'driver', state: 'up' },
    ]);
    expect(after.filter((e) => e.type === 'agent' && e.presence === 'online')).toHaveLength(2);
    await h.driver.placeCall(callRequest('new', '0987654321'));
    await h.clock.advanceBy(3_600_000);
    expect(h.events.some((e) => e.type === 'ended' && e.callId.startsWith('old-'))).toBe(false);
    expect(eventsOf(h.events, 'new').map((e) => e.type)).toEqual(['ended']);
    expect(h.driver.health().ready).toBe(true);
  });

  it('stop() cancels every timer and delivers nothing afterwards', async () => {
    const h = await scripted();
    for (let i = 0; i < 20; i++) await h.driver.placeCall(callRequest(`c${i}`, `09876543${String(i).padStart(2, '0')}`));
    await h.clock.advanceBy(1500);
    await h.driver.stop();
    expect(h.clock.nextTimerAt()).toBeNull();
    const mark = h.events.length;
    await h.clock.advanceBy(3_600_000);
    expect(h.events.length).toBe(mark);
    expect(h.driver.health()).toMatchObject({ ready: false });
  });
});
