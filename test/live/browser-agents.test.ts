/**
 * Two agents with only a browser on a live Asterisk, in both agent modes: the real service
 * (CCS_TELEPHONY=asterisk, CCS_WEBRTC_PHONE=browser) and two headless Chromiums, each with a fake
 * microphone playing its own tone (agent1 at station 1001: 440 Hz; agent2 at 1002: 660 Hz), so
 * the call's recording tells who was heard when. The customer is a SIPp phone reached through
 * the trunk that talks until it is hung up (talker.xml on 127.0.0.1:5078, started here).
 *
 *  1. Hold and an attended transfer: agent1 takes the campaign call (its browser answers by
 *     itself), holds, resumes, consults agent2, completes the transfer; agent2 talks with the
 *     customer and hangs up. The recording is cut into stretches by the times the desks showed
 *     each step, and each stretch is measured: RMS, the energy at 440 and 660 Hz, and the rest
 *     (the customer's speech). The CRM gets one update naming agent1, the whole call's duration
 *     and the one recording; the report counts the hold apart from talk.
 *  2. Mute and a three-way conference: agent1 mutes (its tone leaves the recording), unmutes,
 *     consults agent2 and turns it into a conference (both tones and the customer in the
 *     recording), drops agent2 and hangs up.
 *
 * Not part of CI; run with `npm run test:asterisk` (environment as test/live/softphone.test.ts).
 * Asterisk needs the endpoints webrtc-1001 and webrtc-1002 of deploy/asterisk/conf.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from '../e2e/support/browser.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { VIEWPORT } from '../e2e/support/pages.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';
import { SippPhone, pause } from './live-support.ts';
import { formatStretch, measureStretch, readPcm, writeToneWav, type Pcm, type Stretch } from './wav-audio.ts';

const env = process.env;
const live = Boolean(env.CCS_ARI_URL) && chromiumAvailable();
const ari = { url: env.CCS_ARI_URL ?? 'http://127.0.0.1:8088', user: env.CCS_ARI_USER ?? 'ccs', password: env.CCS_ARI_PASSWORD ?? '' };
const wsUrl = env.CCS_LIVE_WEBRTC_WS_URL ?? `ws://${new URL(ari.url).host}/ws`;
const customerDial = env.CCS_LIVE_TALKING_CUSTOMER_DIAL ?? 'PJSIP/trunk/sip:{number}@127.0.0.1:5078';
const A = 440;
const B = 660;
/**
 * A stretch runs from the moment the desk showed one step done to the moment the next step was
 * asked for, less this much at each edge (the recording is placed by its end, which follows the
 * hang-up by a few hundred ms).
 */
const MARGIN = 1;

const state = (page: Page) => page.getAttribute('[data-testid=agent-state]', 'data-state');

/**
 * Keeps every RTCPeerConnection the page makes (the SIP phone's, made inside JsSIP), so the test
 * can ask the browser which ICE candidate pair carries the call's media.
 */
const KEEP_PEER_CONNECTIONS = `{
  const Native = window.RTCPeerConnection;
  window.__peerConnections = [];
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    window.__peerConnections.push(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = Native.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, Native);
}`;

/**
 * The candidate types (host, srflx, prflx, relay) of the pair the page's live call sends its media
 * on, or the peer connection's state when no pair carries it.
 */
async function selectedPair(page: Page): Promise<{ local: string; remote: string; sent: number; received: number } | { state: string }> {
  return page.evaluate(async () => {
    const pc = ((window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? []).filter((c) => c.connectionState !== 'closed').at(-1);
    if (!pc) return { state: 'no peer connection' };
    const stats: Array<Record<string, unknown>> = [];
    (await pc.getStats()).forEach((s: Record<string, unknown>) => stats.push(s));
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
    if (!pair) {
      const pairs = stats.filter((s) => s.type === 'candidate-pair').map((s) => s.state).join(',');
      return { state: `${pc.connectionState} (ICE ${pc.iceConnectionState}; candidate pairs: ${pairs || 'none'})` };
    }
    const candidate = (id: unknown) => String(stats.find((s) => s.id === id)?.candidateType);
    return { local: candidate(pair.localCandidateId), remote: candidate(pair.remoteCandidateId), sent: Number(pair.bytesSent), received: Number(pair.bytesReceived) };
  });
}

/**
 * The media's path while a call is up: logged, and with CCS_WEBRTC_ICE_TRANSPORT_POLICY=relay the
 * browser's end of it must be its TURN relay.
 */
async function expectMediaPath(page: Page, name: string): Promise<void> {
  const pair = await selectedPair(page);
  process.stdout.write(`  ${name}'s selected candidate pair: ${JSON.stringify(pair)}\n`);
  if (env.CCS_WEBRTC_ICE_TRANSPORT_POLICY === 'relay') expect('local' in pair ? pair.local : pair.state, `${name}'s media through TURN`).toBe('relay');
}

/**
 * Thresholds over a stretch of an 8 kHz recording: a fake microphone's tone arrives at a level
 * of about 350-650 after the browser's audio processing (wav-audio.ts measures tones by the
 * median over 100 ms blocks, where speech leaves 0), the customer's speech at an RMS of
 * 1,000-2,500. A tone is there above 250 and not there below 100; the customer is there above
 * 800 and not there below 400 (what a tone leaves outside its bin).
 */
const TONE = 250;
const NO_TONE = 100;
const SPEECH = 800;
const NO_SPEECH = 400;

for (const [agentMode, base] of [['on-answer', 9200], ['nailed-up', 9300]] as const) describe.skipIf(!live)(`two agents with only a browser on a live Asterisk (${agentMode})`, () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browsers: Browser[] = [];
  let dir: string;
  let agent1: Page;
  let agent2: Page;
  let admin: Page;
  let campaign = base;
  const customer = new SippPhone('talker.xml', 5078, 6080);

  async function desk(browser: Browser, user: string): Promise<Page> {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN', permissions: ['microphone'] });
    await context.addInitScript(KEEP_PEER_CONNECTIONS);
    const page = await context.newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', user);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=desk-sign-in]');
    await page.click('[data-testid=desk-sign-in-submit]');
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 40_000 });
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 40_000 });
    // Nailed up: the shift's one line is called once the phone has registered; the browser answers it.
    if (agentMode === 'nailed-up') await page.waitForSelector('[data-testid=phone][data-call=in-call]', { timeout: 40_000 });
    return page;
  }

  beforeAll(async () => {
    await ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), 'ccs-live-agents-'));
    writeToneWav(join(dir, 'a.wav'), A);
    writeToneWav(join(dir, 'b.wav'), B);
    await customer.start();
    crm = await startFakeCrm();
    ccs = await startUiService({
      crmUrl: crm.url,
      env: {
        CCS_TELEPHONY: 'asterisk',
        CCS_ARI_URL: ari.url,
        CCS_ARI_USER: ari.user,
        CCS_ARI_PASSWORD: ari.password,
        CCS_ARI_APP: `${env.CCS_ARI_APP ?? 'ccs'}-agents`,
        CCS_ASTERISK_DIAL: customerDial,
        CCS_AGENT_MODE: agentMode,
        CCS_WEBRTC_PHONE: 'browser',
        CCS_WEBRTC_WS_URL: wsUrl,
        CCS_WEBRTC_REGISTER_SECONDS: '60',
        CCS_MAX_WRAPUP_SECONDS: '600',
        ...(env.CCS_WEBRTC_ICE_SERVERS ? { CCS_WEBRTC_ICE_SERVERS: env.CCS_WEBRTC_ICE_SERVERS } : {}),
        ...(env.CCS_WEBRTC_ICE_TRANSPORT_POLICY ? { CCS_WEBRTC_ICE_TRANSPORT_POLICY: env.CCS_WEBRTC_ICE_TRANSPORT_POLICY } : {}),
      },
    });
    const flags = (wav: string) => [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      ...(env.CCS_LIVE_CHROMIUM_ARGS ? env.CCS_LIVE_CHROMIUM_ARGS.split(' ') : []),
    ];
    browsers = [await launchChromium(flags(join(dir, 'a.wav'))), await launchChromium(flags(join(dir, 'b.wav')))];
    agent1 = await desk(browsers[0]!, 'agent1');
    agent2 = await desk(browsers[1]!, 'agent2');
    const context = await browsers[0]!.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN' });
    admin = await context.newPage();
    await admin.goto('/login');
    await admin.fill('input[name=username]', 'admin');
    await admin.fill('input[name=password]', 'admin');
    await admin.click('[data-testid=login-submit]');
    await admin.waitForURL((url) => url.pathname !== '/login', { timeout: 10_000 });
  }, 240_000);

  afterAll(async () => {
    await customer.stop();
    // Signed out, so the phones' auth objects leave Asterisk.
    for (const page of [agent1, agent2]) {
      await page
        ?.evaluate(async () => {
          const csrf = ((await (await fetch('/ui/session')).json()) as { csrfToken: string }).csrfToken;
          await fetch('/ui/logout', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' });
        })
        .catch(() => {});
    }
    for (const browser of browsers) await browser.close();
    await ccs?.close();
    await crm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** Both agents ready; a one-contact campaign whose call reaches agent1 (agent2 paused meanwhile). */
  async function callToAgent1(): Promise<{ id: number; talkingAt: number }> {
    for (const page of [agent1, agent2]) {
      if ((await state(page)) !== 'ready') {
        await page.click('[data-testid=ready]');
        await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 10_000 });
      }
    }
    await agent2.click('[data-testid=pause]');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=paused]');
    const id = ++campaign;
    await ccs.sendCampaign(id, [{ id: 1, phonenumber: `09876${id}` }]);
    await agent1.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 60_000 }).catch((error: Error) => {
      const calls = ccs.service.engine.liveCalls().map((c) => ({ callId: c.callId, state: c.state, agent: c.agentCode }));
      throw new Error(`${error.message}; live calls ${JSON.stringify(calls)}; updates ${JSON.stringify(crm.updates.filter((u) => Number(u.campaignid) === id))}`);
    });
    const talkingAt = Date.now();
    await agent1.waitForSelector('[data-testid=call-panel] [data-testid=call-controls]', { timeout: 10_000 });
    await agent2.click('[data-testid=ready]');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=ready]');
    return { id, talkingAt };
  }

  async function consultAgent2(): Promise<void> {
    await agent1.keyboard.press('t');
    await agent1.waitForSelector('[data-testid=transfer-picker] option[value="agent:Agent/1002"]', { state: 'attached', timeout: 10_000 });
    await agent1.selectOption('[data-testid=transfer-target]', 'agent:Agent/1002');
    await agent1.click('[data-testid=transfer-consult]');
    await agent1.waitForSelector('[data-testid=transfer-status][data-phase=answered]', { timeout: 30_000 });
    await agent2.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 10_000 });
  }

  /** The one update of a campaign, and its recording. */
  async function updateOf(id: number): Promise<{ update: Record<string, unknown>; pcm: Pcm; bytes: number }> {
    const update = await eventually('the CRM update', () => crm.updates.find((u) => Number(u.campaignid) === id), 40_000);
    await pause(1000);
    expect(crm.updates.filter((u) => Number(u.campaignid) === id)).toHaveLength(1);
    const response = await fetch(String(update.link_down_record));
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const pcm = readPcm(bytes);
    if (env.CCS_LIVE_RECORDINGS_DIR) writeFileSync(join(env.CCS_LIVE_RECORDINGS_DIR, `${agentMode}-${id}.wav`), bytes);
    // Second by second, for a person reading the run: who was heard when.
    const profile: string[] = [];
    for (let t = 0; t + 1 <= pcm.seconds; t++) {
      const s = measureStretch(pcm, t, t + 1, [A, B]);
      profile.push(`${t}:${s.rest.toFixed(0)}/${s.tones[A]!.toFixed(0)}/${s.tones[B]!.toFixed(0)}`);
    }
    process.stdout.write(`  per second (rest/${A} Hz/${B} Hz): ${profile.join(' ')}\n`);
    return { update, pcm, bytes: bytes.length };
  }

  /**
   * Places the steps the test saw on the recording's time line. The recording ends when the
   * call is hung up (`endedAt`), so a step at `t` is `seconds − (endedAt − t)` into it.
   */
  const timeline = (pcm: Pcm, endedAt: number) => (t: number) => pcm.seconds - (endedAt - t) / 1000;

  const stretch = (pcm: Pcm, name: string, from: number, to: number): Stretch => {
    const s = measureStretch(pcm, from + MARGIN, to - MARGIN, [A, B]);
    process.stdout.write(`  ${formatStretch(name, s)}\n`);
    expect(s.to - s.from, `${name} long enough to measure`).toBeGreaterThan(1);
    return s;
  };

  it("hold, resume and an attended transfer to the second browser agent: the recording holds the customer and both agents, one update names the first agent", async () => {
    const { id, talkingAt } = await callToAgent1();
    const callId = (await agent1.getAttribute('[data-testid=call-panel]', 'data-callid'))!;
    await pause(5000);
    await expectMediaPath(agent1, 'agent1');

    const holdAskedAt = Date.now();
    await agent1.keyboard.press('o');
    await agent1.waitForSelector('[data-testid=hold-timer]', { timeout: 10_000 });
    const heldAt = Date.now();
    await pause(5000);
    const resumeAskedAt = Date.now();
    await agent1.keyboard.press('o');
    await agent1.waitForSelector('[data-testid=hold-timer]', { state: 'detached', timeout: 10_000 });
    const resumedAt = Date.now();
    const holdMs = ccs.service.engine.callControlView(callId)?.holdMs ?? 0;
    await pause(4000);

    const consultAskedAt = Date.now();
    await consultAgent2();
    const consultAnsweredAt = Date.now();
    await pause(4000);
    const completeAskedAt = Date.now();
    await agent1.click('[data-testid=transfer-complete]');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]', { timeout: 30_000 });
    const transferredAt = Date.now();
    expect(await agent1.textContent('[data-testid=call-panel] h3')).toBe('Đã chuyển cuộc gọi');
    expect(await state(agent2)).toBe('talking');
    expect(await agent2.getAttribute('[data-testid=phone]', 'data-call')).toBe('in-call');
    await pause(5000);
    await expectMediaPath(agent2, 'agent2');

    const endedAt = Date.now();
    await agent2.keyboard.press('h');
    await agent2.waitForSelector('[data-testid=agent-state][data-state=wrap-up]', { timeout: 30_000 });

    const { update, pcm, bytes } = await updateOf(id);
    process.stdout.write(`${agentMode}: hold and attended transfer, update ${JSON.stringify(update)}\n`);
    process.stdout.write(`  recording ${bytes} bytes, ${pcm.seconds.toFixed(1)} s at ${pcm.rate} Hz; the desk saw the call talking for ${((endedAt - talkingAt) / 1000).toFixed(1)} s; hold ${holdMs} ms\n`);
    const at = timeline(pcm, endedAt);
    const talk = stretch(pcm, 'agent1 talks', at(talkingAt), at(holdAskedAt));
    const held = stretch(pcm, 'on hold', at(heldAt), at(resumeAskedAt));
    const resumed = stretch(pcm, 'resumed', at(resumedAt), at(consultAskedAt));
    const consult = stretch(pcm, 'consulting', at(consultAnsweredAt), at(completeAskedAt));
    const after = stretch(pcm, 'agent2 talks', at(transferredAt), at(endedAt));

    // Before the hold: the customer and agent1, not agent2.
    expect(talk.rest).toBeGreaterThan(SPEECH);
    expect(talk.tones[A]).toBeGreaterThan(TONE);
    expect(talk.tones[B]).toBeLessThan(NO_TONE);
    // On hold the customer is out of the call (muted towards the bridge, music on hold to it);
    // agent1 is still in the call's bridge, so what it says is recorded.
    expect(held.rest).toBeLessThan(NO_SPEECH);
    expect(held.tones[A]).toBeGreaterThan(TONE);
    expect(held.tones[B]).toBeLessThan(NO_TONE);
    // Resumed: the customer is back.
    expect(resumed.rest).toBeGreaterThan(SPEECH);
    expect(resumed.tones[A]).toBeGreaterThan(TONE);
    // Consulting: the agents talk in a bridge of their own, not recorded; the customer is on
    // hold (muted towards the bridge, as 'on hold' shows), and the recording goes on through it.
    // What it holds then is the music on hold the call's bridge plays while the customer waits
    // alone in it (docs/asterisk.md, section 1), at the level of speech with a real music
    // class: the customer is told apart from it only by the hold stretch.
    expect(consult.tones[A]).toBeLessThan(NO_TONE);
    expect(consult.tones[B]).toBeLessThan(NO_TONE);
    // After the transfer: the customer and agent2, no longer agent1.
    expect(after.rest).toBeGreaterThan(SPEECH);
    expect(after.tones[B]).toBeGreaterThan(TONE);
    expect(after.tones[A]).toBeLessThan(NO_TONE);

    // The CRM's update (docs/web-ui.md, Call controls): the first agent, the whole call, one recording.
    expect(update).toMatchObject({ status: 'ANSWERED', agentcode: 'Agent/1001', station_id: '1001' });
    const seconds = (name: string) => Date.parse(String(update[name]).replace(' ', 'T') + 'Z') / 1000;
    expect(Number(update.duration)).toBe(seconds('endtime') - seconds('starttime'));
    expect(Number(update.ringtime)).toBe(seconds('answertime') - seconds('starttime'));
    // The call lasted from before agent1 talked until agent2 hung up (whole seconds, the ring included).
    expect(Number(update.duration) - Number(update.ringtime)).toBeGreaterThanOrEqual(Math.floor((endedAt - talkingAt) / 1000) - 1);
    expect(Math.abs(pcm.seconds - (Number(update.duration) - Number(update.ringtime)))).toBeLessThan(4);

    // Reports: the hold counted apart from talk, the call on agent1.
    expect(holdMs).toBeGreaterThanOrEqual(4000);
    const report = await admin.evaluate(async (campaignId) => (await fetch(`/ops/reports?by=campaign,agent&campaign=${campaignId}`)).json(), id);
    process.stdout.write(`  report ${JSON.stringify(report)}\n`);
    const total = (report as { total: { reached: number; talkSeconds: number; holdSeconds: number } }).total;
    expect(total.reached).toBe(1);
    // Hold is the hold and the consult, while the customer heard music.
    const consultMs = transferredAt - consultAskedAt;
    expect(total.holdSeconds).toBeGreaterThanOrEqual(Math.floor(holdMs / 1000));
    expect(total.holdSeconds).toBeLessThanOrEqual(Math.ceil((holdMs + consultMs) / 1000) + 1);
    // Talk is the connected time without the hold.
    expect(Math.abs(total.talkSeconds + total.holdSeconds - (Number(update.duration) - Number(update.ringtime)))).toBeLessThanOrEqual(2);
  }, 240_000);

  it('mute, then a three-way conference with the second browser agent, the third party dropped: who is in the recording when', async () => {
    const { id, talkingAt } = await callToAgent1();
    await pause(4000);
    const muteAskedAt = Date.now();
    await agent1.keyboard.press('m');
    await agent1.waitForSelector('[data-testid=mute][aria-pressed=true]', { timeout: 10_000 });
    const mutedAt = Date.now();
    await pause(4000);
    const unmuteAskedAt = Date.now();
    await agent1.keyboard.press('m');
    await agent1.waitForSelector('[data-testid=mute][aria-pressed=false]', { timeout: 10_000 });
    await pause(3000);

    await consultAgent2();
    await pause(2000);
    await agent1.keyboard.press('c');
    await agent1.waitForSelector('[data-testid=transfer-status][data-phase=conference]', { timeout: 30_000 });
    const conferenceAt = Date.now();
    await pause(5000);
    const dropAskedAt = Date.now();
    await agent1.click('[data-testid=transfer-cancel]');
    await agent1.waitForSelector('[data-testid=transfer-status]', { state: 'detached', timeout: 30_000 });
    const droppedAt = Date.now();
    await agent2.waitForSelector('[data-testid=agent-state][data-state=wrap-up]', { timeout: 30_000 });
    expect(await state(agent1)).toBe('talking');
    await pause(4000);
    const endedAt = Date.now();
    await agent1.keyboard.press('h');
    await agent1.waitForSelector('[data-testid=agent-state][data-state=wrap-up]', { timeout: 30_000 });

    const { update, pcm, bytes } = await updateOf(id);
    process.stdout.write(`${agentMode}: mute and conference, update ${JSON.stringify(update)}\n`);
    process.stdout.write(`  recording ${bytes} bytes, ${pcm.seconds.toFixed(1)} s; the desk saw the call talking for ${((endedAt - talkingAt) / 1000).toFixed(1)} s\n`);
    const at = timeline(pcm, endedAt);
    const talk = stretch(pcm, 'agent1 talks', at(talkingAt), at(muteAskedAt));
    const muted = stretch(pcm, 'agent1 muted', at(mutedAt), at(unmuteAskedAt));
    const conference = stretch(pcm, 'conference', at(conferenceAt), at(dropAskedAt));
    const after = stretch(pcm, 'agent2 dropped', at(droppedAt), at(endedAt));

    expect(talk.rest).toBeGreaterThan(SPEECH);
    expect(talk.tones[A]).toBeGreaterThan(TONE);
    // Muted: the customer still in the recording, agent1 not.
    expect(muted.rest).toBeGreaterThan(SPEECH);
    expect(muted.tones[A]).toBeLessThan(NO_TONE);
    // The conference: customer and both agents.
    expect(conference.rest).toBeGreaterThan(SPEECH);
    expect(conference.tones[A]).toBeGreaterThan(TONE);
    expect(conference.tones[B]).toBeGreaterThan(TONE);
    // Agent2 dropped: customer and agent1 again.
    expect(after.rest).toBeGreaterThan(SPEECH);
    expect(after.tones[A]).toBeGreaterThan(TONE);
    expect(after.tones[B]).toBeLessThan(NO_TONE);

    expect(update).toMatchObject({ status: 'ANSWERED', agentcode: 'Agent/1001', station_id: '1001' });
  }, 240_000);
});
