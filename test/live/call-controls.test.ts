/**
 * Call controls and live monitoring of the ARI driver against a real Asterisk, in both agent
 * modes. Not part of CI; run with `npm run test:asterisk` (environment as in asterisk.test.ts).
 *
 * The suite starts its own SIPp phones (deploy/asterisk/sipp):
 *  - the customer: listener.xml on 127.0.0.1:5079, reached through the trunk
 *    (CCS_LIVE_CUSTOMER_DIAL, default PJSIP/trunk/sip:{number}@127.0.0.1:5079); it never talks
 *    and its RTP comes to this test on port 6319, so the test hears what the customer hears;
 *  - agent 9004 (PJSIP/9004): listener.xml on 5074, its RTP to port 6314 (what the agent hears);
 *  - the supervisor's phone 9005 (PJSIP/9005): talker.xml on 5075, talks until hung up.
 * Agents 9001 and 9002 are the auto-answer phones of start-sipp.sh (agent.xml, talk 4.7 s
 * after answering). pjsip.conf of deploy/asterisk/conf has the endpoints 9004 and 9005.
 *
 * Audio is judged by RMS of what a silent phone receives: music on hold or a talking phone is
 * well above 300, a bridge where nobody talks is below 100.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/system-clock.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { CallMonitor, MonitorEvent } from '../../src/ports/call-monitor.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { AgentRef, PlaceCallRequest, TelephonyDriver, TelephonyEvent } from '../../src/ports/telephony.ts';
import { createFileRecordingStore } from '../../src/recordings/file-recording-store.ts';
import { createAriCallMonitor } from '../../src/telephony/asterisk-ari/ari-call-monitor.ts';
import { createAriDriver, parseAgentsSetting } from '../../src/telephony/asterisk-ari/index.ts';
import { createCallMonitor } from '../../src/telephony/create-call-monitor.ts';
import { AriProbe, Ears, SippPhone, pause, waitFor, wavRms } from './live-support.ts';

const env = process.env;
const live = Boolean(env.CCS_ARI_URL);
const ari = { url: env.CCS_ARI_URL ?? '', user: env.CCS_ARI_USER ?? 'ccs', password: env.CCS_ARI_PASSWORD ?? '' };
const app = env.CCS_ARI_APP ?? 'ccs';
const customerDial = env.CCS_LIVE_CUSTOMER_DIAL ?? 'PJSIP/trunk/sip:{number}@127.0.0.1:5079';
const [listening, talking, second] = parseAgentsSetting('Agent/9004=PJSIP/9004,Agent/9001=PJSIP/9001,Agent/9002=PJSIP/9002') as [AgentRef, AgentRef, AgentRef];
const supervisorEndpoint = env.CCS_LIVE_SUPERVISOR ?? 'PJSIP/9005';
const run = Date.now().toString(36);
let sequence = 0;

/** Audible (music on hold, a phone talking) and silent, as RMS of A-law audio. */
const AUDIBLE = 300;
const SILENT = 100;

type CallEvent = Extract<TelephonyEvent, { callId: string }>;

describe.skipIf(!live)('call controls and monitoring on a live Asterisk', () => {
  const probe = new AriProbe(ari.url, ari.user, ari.password);
  const customerEars = new Ears(6319);
  const agentEars = new Ears(6314);
  const phones = [
    new SippPhone('listener.xml', 5079, 6090, ['-set', 'rtp_port', '6319']),
    new SippPhone('listener.xml', 5074, 6040, ['-set', 'rtp_port', '6314']),
    new SippPhone('talker.xml', 5075, 6050),
  ];
  /** Channels the drivers of this suite leave up when stopped (parked lines): hung up after each test. */
  const ourPhones = /^PJSIP\/(9001|9002|9004|9005)-/;

  beforeAll(async () => {
    if (!live) return;
    await customerEars.open();
    await agentEars.open();
    for (const phone of phones) await phone.start();
  });

  afterAll(async () => {
    customerEars.close();
    agentEars.close();
    for (const phone of phones) await phone.stop();
  });

  for (const agentMode of ['on-answer', 'nailed-up'] as const) {
    describe(`${agentMode} agents`, () => {
      let driver: TelephonyDriver | null = null;
      let monitor: CallMonitor | null = null;
      let events: TelephonyEvent[] = [];
      let monitorEvents: MonitorEvent[] = [];
      let dir = '';

      /** Calls of the test, hung up after it whatever happened. */
      let placed: string[] = [];
      const start = async () => {
        placed = [];
        dir = mkdtempSync(join(tmpdir(), 'ccs-live-'));
        events = [];
        driver = createAriDriver(
          { ...ari, app, dialTemplate: customerDial, agentMode, agents: [listening, talking, second] },
          { clock: systemClock, recordings: createFileRecordingStore(dir), logger: silentLogger },
        );
        await driver.start((event) => events.push(event));
        await waitFor(() => driver!.health().ready, 'ARI up', 10_000);
        for (const agent of [listening, talking, second]) {
          await waitFor(() => events.some((e) => e.type === 'agent' && e.agentCode === agent.agentCode && e.presence === 'online'), `${agent.agentCode} online`, 20_000);
        }
        return driver;
      };

      afterEach(async () => {
        customerEars.quiet();
        agentEars.quiet();
        await monitor?.stop();
        monitor = null;
        for (const callId of placed) await driver?.hangup(callId).catch(() => {});
        await driver?.stop();
        driver = null;
        await probe.hangUpMatching(ourPhones);
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      const of = (callId: string) => events.filter((e): e is CallEvent => 'callId' in e && e.callId === callId);
      const has = (callId: string, match: (e: CallEvent) => boolean) => of(callId).some(match);
      const waitEvent = (callId: string, what: string, match: (e: CallEvent) => boolean, limitMs = 15_000) =>
        waitFor(() => has(callId, match), what, limitMs).catch((error: Error) => {
          throw new Error(`${error.message}; the call's events: ${JSON.stringify(of(callId).map(({ at: _at, callId: _id, ...rest }) => rest))}`);
        });

      /** A call to the silent customer, answered and connected to `agent`. */
      const connectedCall = async (d: TelephonyDriver, agent: AgentRef, record = false) => {
        const call: PlaceCallRequest = {
          callId: `ccs-live-${run}-${agentMode}-${++sequence}`,
          number: `09876543${sequence % 10}0`,
          callerId: null,
          ringTimeoutSeconds: 20,
          trunkChannelLimit: 0,
          tags: { campaignId: 0, contactId: sequence, attemptNo: 1 },
        };
        placed.push(call.callId);
        await d.placeCall(call);
        await waitEvent(call.callId, 'the answer', (e) => e.type === 'answered');
        await d.connectAgent(call.callId, agent, { record });
        await waitEvent(call.callId, 'the bridge', (e) => e.type === 'connected');
        // The silent phones send silence, as real phones do (see Ears.sendSilence).
        customerEars.sendSilence(await probe.rtpAddress(call.callId));
        if (agent === listening) agentEars.sendSilence(await probe.rtpAddress((await agentChannelIn(call.callId))!));
        return call.callId;
      };
      const bridgeOf = (callId: string) => probe.bridgeChannels(`${callId}-bridge`);
      /** The agent channel in the call's bridge (the one that is not the customer). */
      const agentChannelIn = async (callId: string) => (await bridgeOf(callId))?.find((c) => c !== callId) ?? null;
      const channelName = async (id: string | null) => (id ? ((await probe.channel(id))?.name ?? null) : null);
      const hangUpAndEnd = async (d: TelephonyDriver, callId: string) => {
        await d.hangup(callId);
        await waitEvent(callId, 'the end', (e) => e.type === 'ended', 30_000);
        await pause(500);
        const ended = of(callId).filter((e) => e.type === 'ended');
        expect(ended).toHaveLength(1);
        return ended[0]!;
      };

      it('hold: the customer hears music on hold and the agent nothing; resume, mute, unmute and DTMF reach the customer', async () => {
        const d = await start();
        const callId = await connectedCall(d, listening);
        expect(await customerEars.listen(1500)).toBeLessThan(SILENT);

        await d.hold(callId);
        await waitEvent(callId, 'held', (e) => e.type === 'held');
        expect(await customerEars.listen(2500)).toBeGreaterThan(AUDIBLE);
        expect(agentEars.rms(Date.now() - 2500)).toBeLessThan(SILENT);
        // The customer's channel is still in the call's bridge with the agent while held.
        expect(await bridgeOf(callId)).toContain(callId);

        await d.resume(callId);
        await waitEvent(callId, 'resumed', (e) => e.type === 'resumed');
        await pause(500);
        expect(await customerEars.listen(1500)).toBeLessThan(SILENT);

        await d.mute(callId);
        await waitEvent(callId, 'muted', (e) => e.type === 'muted');
        await d.unmute(callId);
        await waitEvent(callId, 'unmuted', (e) => e.type === 'unmuted');

        const before = Date.now();
        await d.sendDtmf(callId, '12#');
        await waitFor(() => customerEars.dtmfPackets(before) >= 3, 'RFC 4733 DTMF packets at the customer', 5000);

        const ended = await hangUpAndEnd(d, callId);
        expect(ended).toMatchObject({ cause: 'normal' });
      });

      it('mute keeps the agent out of the call: the customer stops hearing a talking agent', async () => {
        const d = await start();
        const callId = await connectedCall(d, talking);
        if (agentMode === 'on-answer') {
          // agent.xml talks for 4.7 s once it answers: the customer hears it.
          await waitFor(() => customerEars.rms(Date.now() - 500) > AUDIBLE, 'the customer hearing the agent', 3000);
        }
        await d.mute(callId);
        await waitEvent(callId, 'muted', (e) => e.type === 'muted');
        await pause(300);
        expect(await customerEars.listen(1000)).toBeLessThan(SILENT);
        await d.unmute(callId);
        await waitEvent(callId, 'unmuted', (e) => e.type === 'unmuted');
        await hangUpAndEnd(d, callId);
      });

      it('blind transfer to a second agent: the target has the customer, the first agent leaves, one end, recording with audio', async () => {
        const d = await start();
        const callId = await connectedCall(d, talking, true);
        const first = await agentChannelIn(callId);
        await pause(1500); // the first agent talks into the recording
        await d.transfer(callId, { kind: 'agent', agent: listening }, { mode: 'blind' });
        await waitEvent(callId, 'the transfer', (e) => e.type === 'transferred', 20_000);
        expect(of(callId).filter((e) => e.type === 'consult').map((e) => e.type === 'consult' && e.phase)).toEqual(['ringing', 'answered']);
        const bridge = await bridgeOf(callId);
        expect(bridge).toHaveLength(2);
        expect(bridge).toContain(callId);
        expect(bridge).not.toContain(first);
        expect(await channelName(bridge!.find((c) => c !== callId)!)).toMatch(/^PJSIP\/9004-/);
        if (agentMode === 'on-answer') expect(await probe.channel(first!)).toBeNull();
        else expect(await probe.channel(first!)).not.toBeNull(); // parked again
        expect(has(callId, (e) => e.type === 'resumed')).toBe(true);
        expect(has(callId, (e) => e.type === 'ended')).toBe(false);

        const ended = await hangUpAndEnd(d, callId);
        expect(ended).toMatchObject({ cause: 'normal' });
        const recording = ended.type === 'ended' ? ended.recording : undefined;
        expect(recording?.status).toBe('saved');
        const located = await createFileRecordingStore(dir).locate(recording?.status === 'saved' ? recording.key : '');
        expect(wavRms(readFileSync(located!.path))).toBeGreaterThan(AUDIBLE);
      });

      it('attended transfer: the agent consults the target while the customer hears music on hold, then completes', async () => {
        const d = await start();
        const callId = await connectedCall(d, listening);
        const first = await agentChannelIn(callId);
        await d.transfer(callId, { kind: 'agent', agent: second }, { mode: 'attended' });
        await waitEvent(callId, 'the consult answered', (e) => e.type === 'consult' && e.phase === 'answered', 20_000);
        await waitFor(async () => ((await probe.bridgeChannels(`${callId}-consult`)) ?? []).length === 2, 'agent and target in the consult bridge', 5000);
        const consult = (await probe.bridgeChannels(`${callId}-consult`))!;
        expect(consult).toContain(first);
        expect(await bridgeOf(callId)).toEqual([callId]);
        expect(await customerEars.listen(2000)).toBeGreaterThan(AUDIBLE);
        expect(has(callId, (e) => e.type === 'held')).toBe(true);

        await d.completeTransfer(callId);
        await waitEvent(callId, 'the transfer', (e) => e.type === 'transferred');
        const bridge = (await bridgeOf(callId))!;
        expect(bridge).toHaveLength(2);
        expect(await channelName(bridge.find((c) => c !== callId)!)).toMatch(/^PJSIP\/9002-/);
        // Asterisk can still list the consult bridge, empty, for a moment after the transfer
        // (its DELETE already answered; seen live on 22.9.0).
        await waitFor(async () => (await probe.bridgeChannels(`${callId}-consult`)) === null, 'the consult bridge gone', 5000);
        expect(has(callId, (e) => e.type === 'resumed')).toBe(true);
        if (agentMode === 'on-answer') expect(await probe.channel(first!)).toBeNull();
        else expect(await probe.channel(first!)).not.toBeNull(); // parked again
        const ended = await hangUpAndEnd(d, callId);
        expect(ended).toMatchObject({ cause: 'normal' });
      });

      it('consult cancelled: the target is dropped, the agent is back with the customer, no music', async () => {
        const d = await start();
        const callId = await connectedCall(d, listening);
        const first = await agentChannelIn(callId);
        const consultStart = Date.now();
        await d.transfer(callId, { kind: 'agent', agent: talking }, { mode: 'attended' });
        await waitEvent(callId, 'the consult answered', (e) => e.type === 'consult' && e.phase === 'answered', 20_000);
        await waitFor(async () => ((await probe.bridgeChannels(`${callId}-consult`)) ?? []).length === 2, 'agent and target in the consult bridge', 5000);
        const target = (await probe.bridgeChannels(`${callId}-consult`))!.find((c) => c !== first)!;
        if (agentMode === 'on-answer') {
          // agent 9001 talks as it answers: the consulting agent hears it.
          await waitFor(() => agentEars.rms(consultStart) > AUDIBLE, 'the agent hearing the target', 5000);
        }
        await d.cancelTransfer(callId);
        await waitEvent(callId, 'the consult ended', (e) => e.type === 'consult' && e.phase === 'ended');
        await waitEvent(callId, 'resumed', (e) => e.type === 'resumed');
        expect((await bridgeOf(callId))!.sort()).toEqual([callId, first].sort());
        if (agentMode === 'on-answer') await waitFor(async () => (await probe.channel(target)) === null, 'the target hung up', 5000);
        else expect(await probe.channel(target)).not.toBeNull(); // its line is parked again
        await pause(500);
        expect(await customerEars.listen(1500)).toBeLessThan(SILENT);
        expect(has(callId, (e) => e.type === 'transferred')).toBe(false);
        await hangUpAndEnd(d, callId);
      });

      it('conference: agent, target and customer in the call bridge, the customer off hold; the target hangs up and the agent stays', async () => {
        const d = await start();
        const callId = await connectedCall(d, listening);
        await d.transfer(callId, { kind: 'agent', agent: second }, { mode: 'attended' });
        await waitEvent(callId, 'the consult answered', (e) => e.type === 'consult' && e.phase === 'answered', 20_000);
        await d.conference(callId);
        await waitEvent(callId, 'conference joined', (e) => e.type === 'conference' && e.phase === 'joined');
        const bridge = (await bridgeOf(callId))!;
        expect(bridge).toHaveLength(3);
        expect(await probe.bridgeChannels(`${callId}-consult`)).toBeNull();
        await pause(500);
        // Off hold; on-answer, the target's phone (agent.xml) talks since it answered and the
        // customer hears it (a parked line may have stopped talking already).
        if (agentMode === 'on-answer') expect(await customerEars.listen(1500)).toBeGreaterThan(AUDIBLE);
        expect(of(callId).map((e) => e.type).filter((t) => t === 'held' || t === 'resumed')).toEqual(['held', 'resumed']);
        await d.cancelTransfer(callId);
        await waitEvent(callId, 'conference left', (e) => e.type === 'conference' && e.phase === 'left');
        expect(await bridgeOf(callId)).toHaveLength(2);
        await hangUpAndEnd(d, callId);
      });

      it('monitoring: listen is silent, whisper reaches the agent only, barge everyone; the supervisor leg stays; stop leaves the call up', async () => {
        const d = await start();
        monitorEvents = [];
        monitor = createAriCallMonitor({ ...ari, app: `${app}-monitor` }, { clock: systemClock, logger: silentLogger });
        await monitor.start((event) => monitorEvents.push(event));
        const callId = await connectedCall(d, listening);
        const agentChannel = await agentChannelIn(callId);
        const sessionId = `mon-${run}-${agentMode}`;
        const room = `${sessionId}-bridge`;
        const supervisorLeg = `${sessionId}-supervisor`;
        await waitFor(async () => {
          try {
            await monitor!.begin({ sessionId, callId, agentCode: listening.agentCode, endpoint: supervisorEndpoint, mode: 'listen' });
            return true;
          } catch (error) {
            if ((error as { code?: string }).code === 'unavailable') return false;
            throw error;
          }
        }, 'the monitoring link', 10_000);
        await waitFor(async () => ((await probe.bridgeChannels(room)) ?? []).includes(supervisorLeg), 'the supervisor in the listening room', 15_000);
        const supervisor = (await probe.channel(supervisorLeg))!;
        expect((await probe.bridgeChannels(room))!).toHaveLength(2); // supervisor + snoop
        expect(await bridgeOf(callId)).toEqual(expect.arrayContaining([callId, agentChannel]));
        await pause(500);
        expect(await agentEars.listen(2000)).toBeLessThan(SILENT);
        expect(customerEars.rms(Date.now() - 2000)).toBeLessThan(SILENT);

        await monitor.change(sessionId, 'whisper');
        await pause(500);
        expect(await agentEars.listen(2000)).toBeGreaterThan(AUDIBLE);
        expect(customerEars.rms(Date.now() - 2000)).toBeLessThan(SILENT);
        expect((await probe.bridgeChannels(room))!).toHaveLength(2);

        await monitor.change(sessionId, 'barge');
        await waitFor(async () => ((await bridgeOf(callId)) ?? []).includes(supervisorLeg), 'the supervisor in the call bridge', 5000);
        await pause(500);
        expect(await agentEars.listen(2000)).toBeGreaterThan(AUDIBLE);
        expect(customerEars.rms(Date.now() - 2000)).toBeGreaterThan(AUDIBLE);

        await monitor.change(sessionId, 'listen');
        await waitFor(async () => ((await probe.bridgeChannels(room)) ?? []).length === 2, 'back in the listening room with a snoop', 5000);
        expect(await bridgeOf(callId)).not.toContain(supervisorLeg);
        await pause(500);
        expect(await customerEars.listen(1500)).toBeLessThan(SILENT);
        // One supervisor leg all along: the same channel, created once.
        expect((await probe.channel(supervisorLeg))?.creationtime).toBe(supervisor.creationtime);

        await monitor.end(sessionId);
        await waitFor(async () => (await probe.channel(supervisorLeg)) === null, 'the supervisor hung up', 5000);
        expect(await probe.bridgeChannels(room)).toBeNull();
        await waitFor(async () => !(await probe.channels()).some((c) => c.name.startsWith('Snoop/')), 'no snoop channel left', 5000);
        expect((await bridgeOf(callId))!.sort()).toEqual([callId, agentChannel].sort());
        expect(monitorEvents).toEqual([]);
        await hangUpAndEnd(d, callId);
      });

      // In a cluster each node monitors under a Stasis application of its own
      // (<app>-monitor-<node id>), so a session never depends on which node's WebSocket Asterisk
      // gives an application's events to. The nodes' monitors are made as the service makes
      // them, from a cluster's settings (a PostgreSQL database URL; nothing connects to it here).
      // On Asterisk 22.9.0 the same steps also passed with both nodes under one name.
      if (agentMode === 'on-answer')
        it('two cluster nodes on one Asterisk: the node that connected first bridges its supervisor, and the call\'s end reaches that node only', async () => {
          const d = await start();
          const nodes: Array<{ monitor: CallMonitor; events: MonitorEvent[] }> = [];
          const node = async (nodeId: string) => {
            const settings = { CCS_TELEPHONY: 'asterisk', CCS_ARI_URL: ari.url, CCS_ARI_USER: ari.user, CCS_ARI_PASSWORD: ari.password, CCS_ARI_APP: app };
            const config = loadConfig({ ...settings, CCS_DATABASE_URL: 'postgres://ccs@127.0.0.1:5432/ccs', CCS_NODE_ID: nodeId }, '/nonexistent-ccs-config-dir');
            const entry = { monitor: createCallMonitor(config, { clock: systemClock, logger: silentLogger, events: { on: () => () => {} } }), events: [] as MonitorEvent[] };
            nodes.push(entry);
            await entry.monitor.start((event) => entry.events.push(event));
            return entry;
          };
          try {
            const first = await node(`live-${run}-a`);
            const other = await node(`live-${run}-b`);
            const callId = await connectedCall(d, listening);
            const sessionId = `mon-${run}-cluster`;
            const room = `${sessionId}-bridge`;
            const supervisorLeg = `${sessionId}-supervisor`;
            await waitFor(async () => {
              try {
                await first.monitor.begin({ sessionId, callId, agentCode: listening.agentCode, endpoint: supervisorEndpoint, mode: 'listen' });
                return true;
              } catch (error) {
                if ((error as { code?: string }).code === 'unavailable') return false;
                throw error;
              }
            }, "the first node's monitoring link", 10_000);
            await waitFor(async () => ((await probe.bridgeChannels(room)) ?? []).includes(supervisorLeg), 'the supervisor in the listening room', 15_000);
            await first.monitor.change(sessionId, 'whisper');
            await pause(500);
            expect(await agentEars.listen(2000)).toBeGreaterThan(AUDIBLE);

            await hangUpAndEnd(d, callId);
            await waitFor(() => first.events.length > 0, "the first node's session to end with the call", 10_000);
            expect(first.events).toEqual([expect.objectContaining({ sessionId, reason: 'call-ended' })]);
            expect(other.events).toEqual([]);
            await waitFor(async () => (await probe.channel(supervisorLeg)) === null, 'the supervisor hung up', 10_000);
          } finally {
            for (const entry of nodes) await entry.monitor.stop();
          }
        });

      it('monitoring follows a blind transfer: the whisper then reaches the new agent', async () => {
        const d = await start();
        monitorEvents = [];
        monitor = createAriCallMonitor({ ...ari, app: `${app}-monitor` }, { clock: systemClock, logger: silentLogger });
        await monitor.start((event) => monitorEvents.push(event));
        const callId = await connectedCall(d, talking);
        const sessionId = `mon-${run}-${agentMode}-follow`;
        await waitFor(async () => {
          try {
            await monitor!.begin({ sessionId, callId, agentCode: talking.agentCode, endpoint: supervisorEndpoint, mode: 'listen' });
            return true;
          } catch (error) {
            if ((error as { code?: string }).code === 'unavailable') return false;
            throw error;
          }
        }, 'the monitoring link', 10_000);
        await waitFor(async () => ((await probe.bridgeChannels(`${sessionId}-bridge`)) ?? []).length === 2, 'supervisor and snoop in the room', 15_000);
        await d.transfer(callId, { kind: 'agent', agent: listening }, { mode: 'blind' });
        await waitEvent(callId, 'the transfer', (e) => e.type === 'transferred', 20_000);
        const newAgent = (await agentChannelIn(callId))!;
        agentEars.sendSilence(await probe.rtpAddress(newAgent));
        await monitor.change(sessionId, 'whisper');
        await waitFor(() => agentEars.rms(Date.now() - 1000) > AUDIBLE, 'the new agent hearing the whisper', 8000);
        expect(await customerEars.listen(1500)).toBeLessThan(SILENT);
        expect(agentEars.rms(Date.now() - 1500)).toBeGreaterThan(AUDIBLE);
        expect(monitorEvents).toEqual([]);
        await hangUpAndEnd(d, callId);
        await waitFor(() => monitorEvents.length > 0, 'the session ended', 10_000);
        expect(monitorEvents).toMatchObject([{ type: 'ended', sessionId, reason: 'call-ended' }]);
      });

      it('monitoring ends by itself when the call ends', async () => {
        const d = await start();
        monitorEvents = [];
        monitor = createAriCallMonitor({ ...ari, app: `${app}-monitor` }, { clock: systemClock, logger: silentLogger });
        await monitor.start((event) => monitorEvents.push(event));
        const callId = await connectedCall(d, listening);
        const sessionId = `mon-${run}-${agentMode}-end`;
        await waitFor(async () => {
          try {
            await monitor!.begin({ sessionId, callId, agentCode: listening.agentCode, endpoint: supervisorEndpoint, mode: 'whisper' });
            return true;
          } catch (error) {
            if ((error as { code?: string }).code === 'unavailable') return false;
            throw error;
          }
        }, 'the monitoring link', 10_000);
        await waitFor(async () => ((await probe.bridgeChannels(`${sessionId}-bridge`)) ?? []).includes(`${sessionId}-supervisor`), 'the supervisor in the room', 15_000);
        await hangUpAndEnd(d, callId);
        await waitFor(() => monitorEvents.length > 0, 'the session ended', 10_000);
        expect(monitorEvents).toMatchObject([{ type: 'ended', sessionId, reason: 'call-ended' }]);
        await waitFor(async () => (await probe.channel(`${sessionId}-supervisor`)) === null, 'the supervisor hung up', 5000);
        await waitFor(async () => !(await probe.channels()).some((c) => c.name.startsWith('Snoop/')), 'no snoop channel left', 5000);
      });
    });
  }
});
