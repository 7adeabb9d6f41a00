/**
 * The ARI driver against a real Asterisk configured as docs/asterisk.md says, with the SIPp
 * carrier (sipp/carrier.xml: the last digit of the number decides) and auto-answering agent
 * phones (sipp/agent.xml). Not part of CI; run with `npm run test:asterisk`.
 *
 * Environment: CCS_ARI_URL (required, else the suite is skipped), CCS_ARI_USER,
 * CCS_ARI_PASSWORD, CCS_ARI_APP (ccs), CCS_ASTERISK_DIAL (PJSIP/{number}@trunk), CCS_AGENTS
 * (Agent/9001=PJSIP/9001), CCS_LIVE_NUMBER_PREFIX (098765432: numbers are prefix + digit),
 * CCS_ASTERISK_RESTART (optional shell command that restarts Asterisk, for the restart test).
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/system-clock.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { PlaceCallRequest, TelephonyDriver, TelephonyEvent } from '../../src/ports/telephony.ts';
import { createFileRecordingStore } from '../../src/recordings/file-recording-store.ts';
import { createAriDriver, parseAgentsSetting } from '../../src/telephony/asterisk-ari/index.ts';
import { AriProbe, waitFor, wavRms } from './live-support.ts';

const env = process.env;
const live = Boolean(env.CCS_ARI_URL);
const agents = parseAgentsSetting(env.CCS_AGENTS ?? 'Agent/9001=PJSIP/9001');
const prefix = env.CCS_LIVE_NUMBER_PREFIX ?? '098765432';
const run = Date.now().toString(36);
const probe = new AriProbe(env.CCS_ARI_URL ?? '', env.CCS_ARI_USER ?? 'ccs', env.CCS_ARI_PASSWORD ?? '');
let sequence = 0;

type CallEvent = Extract<TelephonyEvent, { callId: string }>;

describe.skipIf(!live)('ARI driver on a live Asterisk with the SIPp carrier', () => {
  for (const agentMode of ['on-answer', 'nailed-up'] as const) {
    describe(`${agentMode} agents`, () => {
      let driver: TelephonyDriver;
      let events: TelephonyEvent[];
      let dir: string;

      const start = async () => {
        dir = mkdtempSync(join(tmpdir(), 'ccs-live-'));
        events = [];
        driver = createAriDriver(
          {
            url: env.CCS_ARI_URL!,
            user: env.CCS_ARI_USER ?? 'ccs',
            password: env.CCS_ARI_PASSWORD ?? '',
            app: env.CCS_ARI_APP ?? 'ccs',
            dialTemplate: env.CCS_ASTERISK_DIAL ?? 'PJSIP/{number}@trunk',
            agentMode,
            agents,
          },
          { clock: systemClock, recordings: createFileRecordingStore(dir), logger: silentLogger },
        );
        await driver.start((event) => events.push(event));
        await waitFor(() => driver.health().ready, 'ARI up', 10_000);
        const agent = agents[0]!;
        await waitFor(() => events.some((e) => e.type === 'agent' && e.agentCode === agent.agentCode && e.presence === 'online'), 'the agent online', 20_000);
      };

      afterEach(async () => {
        await driver?.stop();
        // A stopped driver leaves its nailed-up lines parked in Asterisk: hang them up so the next
        // test's driver dials the phone afresh (and the lines do not pile up on the PBX).
        if (agentMode === 'nailed-up') await probe.hangUpMatching(new RegExp(`^(${agents.map((a) => a.endpoint!.replace(/[/]/g, '\\/')).join('|')})-`));
        rmSync(dir, { recursive: true, force: true });
      });

      const request = (digit: number, overrides: Partial<PlaceCallRequest> = {}): PlaceCallRequest => ({
        callId: `ccs-live-${run}-${agentMode}-${++sequence}`,
        number: `${prefix}${digit}`,
        callerId: null,
        ringTimeoutSeconds: 20,
        trunkChannelLimit: 0,
        tags: { campaignId: 0, contactId: sequence, attemptNo: 1 },
        ...overrides,
      });
      const of = (callId: string) => events.filter((e): e is CallEvent => 'callId' in e && e.callId === callId);
      const endedOf = (callId: string) => of(callId).filter((e) => e.type === 'ended');

      it('a number ending in 0 answers, is bridged with the agent, recorded with real audio, and ends normal', async () => {
        await start();
        const call = request(0);
        await driver.placeCall(call);
        await waitFor(() => of(call.callId).some((e) => e.type === 'answered'), 'the answer', 15_000);
        await driver.connectAgent(call.callId, agents[0]!, { record: true });
        await waitFor(() => of(call.callId).some((e) => e.type === 'connected'), 'the bridge', 15_000);
        await new Promise((resolve) => setTimeout(resolve, 5000));
        await driver.hangup(call.callId);
        await waitFor(() => endedOf(call.callId).length > 0, 'the end', 30_000);

        const types = of(call.callId).map((e) => e.type);
        expect([...new Set(types)]).toEqual(['ringing', 'answered', 'connected', 'ended']);
        const ended = endedOf(call.callId)[0]!;
        expect(ended.type === 'ended' && ended.cause).toBe('normal');
        const recording = ended.type === 'ended' ? ended.recording : undefined;
        expect(recording?.status).toBe('saved');
        const located = await createFileRecordingStore(dir).locate(recording?.status === 'saved' ? recording.key : '');
        expect(located).not.toBeNull();
        expect(wavRms(readFileSync(located!.path))).toBeGreaterThan(300);
        const answered = of(call.callId).find((e) => e.type === 'answered')!;
        const ringing = of(call.callId).find((e) => e.type === 'ringing')!;
        // The carrier rings 2 s before answering.
        expect(answered.at - ringing.at).toBeGreaterThan(1500);
        expect(answered.at - ringing.at).toBeLessThan(4000);
      });

      for (const [digit, cause, ringTimeoutSeconds] of [
        [1, 'busy', 20],
        [2, 'no-answer', 5],
        [3, 'congestion', 20],
      ] as const) {
        it(`a number ending in ${digit} ends as ${cause}, unanswered`, async () => {
          await start();
          const call = request(digit, { ringTimeoutSeconds });
          await driver.placeCall(call);
          await waitFor(() => endedOf(call.callId).length > 0, 'the end', 30_000);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          expect(endedOf(call.callId).map((e) => e.type === 'ended' && e.cause)).toEqual([cause]);
          expect(of(call.callId).some((e) => e.type === 'answered')).toBe(false);
          expect(await driver.liveCalls()).not.toContain(call.callId);
        });
      }

      it('an answered call with no agent is abandoned with the message', async () => {
        await start();
        const call = request(0);
        await driver.placeCall(call);
        await waitFor(() => of(call.callId).some((e) => e.type === 'answered'), 'the answer', 15_000);
        await driver.abandonCall(call.callId);
        await waitFor(() => endedOf(call.callId).length > 0, 'the end', 30_000);
        expect(endedOf(call.callId)[0]).toMatchObject({ cause: 'abandoned' });
      });

      it.skipIf(!env.CCS_ASTERISK_RESTART)('survives an Asterisk restart: the call in flight ends once, the driver comes back', async () => {
        await start();
        const call = request(0);
        await driver.placeCall(call);
        await waitFor(() => of(call.callId).some((e) => e.type === 'answered'), 'the answer', 15_000);
        execSync(env.CCS_ASTERISK_RESTART!, { stdio: 'ignore' });
        await waitFor(() => events.some((e) => e.type === 'driver' && e.state === 'down'), 'the driver down', 30_000);
        await waitFor(() => driver.health().ready, 'the driver up again', 90_000);
        await waitFor(() => endedOf(call.callId).length > 0, 'the end', 30_000);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(endedOf(call.callId)).toHaveLength(1);
        expect(endedOf(call.callId)[0]).toMatchObject({ cause: 'normal' });
        if (agentMode === 'nailed-up') {
          await waitFor(() => events.filter((e) => e.type === 'agent' && e.presence === 'online').length >= 2, 'the agent parked again', 30_000);
        }
      });
    });
  }
});
