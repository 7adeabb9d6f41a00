/**
 * The phone in the browser on a live Asterisk: the real service (CCS_TELEPHONY=asterisk,
 * CCS_WEBRTC_PHONE=browser) and headless Chromium with a fake microphone playing a tone file.
 * The agent signs in at the desk, the desk gets its credentials (CCS creates the auth object
 * over ARI's dynamic configuration), JsSIP registers over WebSocket, the agent goes on the floor,
 * a campaign call to the SIPp carrier is answered by the browser by itself, the agent hangs up
 * from the desk, and the CRM gets the call ANSWERED by that agent, its recording holding the
 * browser's tone. After sign-out the auth object is gone from Asterisk. Both agent modes (in
 * nailed-up mode the browser answers the shift's line first). In on-answer mode a supervisor's
 * browser phone (endpoint `webrtc-supervisor`) takes a monitoring leg. Not part of CI; run with
 * `npm run test:asterisk`.
 *
 * Asterisk needs the WebSocket transport, an endpoint `webrtc-1001` (template `webrtc=yes`)
 * with `auth = webrtc-1001`, and `sorcery.conf` keeping auth objects in memory
 * (deploy/asterisk/conf). Environment as test/live/asterisk.test.ts, plus
 * CCS_LIVE_WEBRTC_WS_URL (default ws://<ARI host>:<port>/ws).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from '../e2e/support/browser.ts';
import { startFakeCrm, type FakeCrm } from '../e2e/support/fake-crm.ts';
import { VIEWPORT } from '../e2e/support/pages.ts';
import { eventually, startUiService, type UiService } from '../e2e/support/ui-service.ts';
import { writeToneWav } from './wav-audio.ts';

const env = process.env;
const live = Boolean(env.CCS_ARI_URL) && chromiumAvailable();
const prefix = env.CCS_LIVE_NUMBER_PREFIX ?? '098765432';
const ari = { url: env.CCS_ARI_URL ?? 'http://127.0.0.1:8088', user: env.CCS_ARI_USER ?? 'ccs', password: env.CCS_ARI_PASSWORD ?? '' };
const wsUrl = env.CCS_LIVE_WEBRTC_WS_URL ?? `ws://${new URL(ari.url).host}/ws`;

/** RMS of a 16-bit PCM WAV, and the share of its energy at `hz` (Goertzel over the whole file). */
function measure(bytes: Buffer, hz: number): { rms: number; tone: number } {
  const rate = bytes.readUInt32LE(24);
  let offset = 12;
  while (offset + 8 <= bytes.length && bytes.toString('ascii', offset, offset + 4) !== 'data') offset += 8 + bytes.readUInt32LE(offset + 4);
  const start = offset + 8;
  const count = Math.floor((bytes.length - start) / 2);
  const w = (2 * Math.PI * hz) / rate;
  let sum = 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < count; i++) {
    const x = bytes.readInt16LE(start + i * 2);
    sum += x * x;
    const s0 = x + 2 * Math.cos(w) * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - 2 * Math.cos(w) * s1 * s2;
  return { rms: count ? Math.sqrt(sum / count) : 0, tone: sum ? (2 * power) / (count * sum) : 0 };
}

async function ariAuthExists(id: string): Promise<boolean> {
  const response = await fetch(`${ari.url}/ari/asterisk/config/dynamic/res_pjsip/auth/${id}`, { headers: { authorization: `Basic ${Buffer.from(`${ari.user}:${ari.password}`).toString('base64')}` } });
  return response.status === 200;
}

for (const [agentMode, campaignId] of [['on-answer', 9101], ['nailed-up', 9102]] as const) describe.skipIf(!live)(`the phone in the browser on a live Asterisk (${agentMode})`, () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    await ensureWebBuild();
    dir = mkdtempSync(join(tmpdir(), 'ccs-live-phone-'));
    const wav = join(dir, 'tone.wav');
    writeToneWav(wav, 440, 5);
    crm = await startFakeCrm();
    ccs = await startUiService({
      crmUrl: crm.url,
      env: {
        CCS_TELEPHONY: 'asterisk',
        CCS_ARI_URL: ari.url,
        CCS_ARI_USER: ari.user,
        CCS_ARI_PASSWORD: ari.password,
        // An application of its own, so a live run of the driver's tests alongside is not disturbed.
        CCS_ARI_APP: `${env.CCS_ARI_APP ?? 'ccs'}-phone`,
        CCS_ASTERISK_DIAL: env.CCS_ASTERISK_DIAL ?? 'PJSIP/{number}@trunk',
        CCS_AGENT_MODE: agentMode,
        CCS_WEBRTC_PHONE: 'browser',
        CCS_WEBRTC_WS_URL: wsUrl,
        CCS_WEBRTC_REGISTER_SECONDS: '60',
      },
    });
    browser = await launchChromium([
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
      // Asterisk cannot resolve Chromium's mDNS host candidates: offer the loopback address itself.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('registers over WebSocket, takes a campaign call from the carrier by itself, and its credentials are removed at sign-out', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN', permissions: ['microphone'] });
    const page = await context.newPage();
    await page.goto('/login');
    await page.fill('input[name=username]', 'agent1');
    await page.fill('input[name=password]', 'agent1');
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=desk-sign-in]');
    await page.click('[data-testid=desk-sign-in-submit]');
    await page.waitForSelector('[data-testid=phone][data-registration=registered]', { timeout: 20_000 });
    expect(await ariAuthExists('webrtc-1001')).toBe(true);
    await page.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 20_000 });

    if (agentMode === 'nailed-up') {
      // The shift's one line: Asterisk calls the phone once it is registered, the browser answers.
      await page.waitForSelector('[data-testid=phone][data-call=in-call]', { timeout: 30_000 });
    }
    const number = `${prefix}0`;
    await ccs.sendCampaign(campaignId, [{ id: 1, phonenumber: number }]);
    await page.waitForSelector('[data-testid=phone][data-call=in-call]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 30_000 });
    // A tone per call answered, and in nailed-up mode one more for the customer on the line.
    await eventually('the tone for the customer', async () => (await page.getAttribute('[data-testid=phone]', 'data-tones')) === (agentMode === 'nailed-up' ? '2' : '1'), 10_000);
    // A few seconds of conversation: the carrier's recorded speech one way, the browser's tone the other.
    await page.waitForTimeout(4000);
    expect(await page.locator('[data-testid=phone-problem]').count()).toBe(0);
    await page.click('[data-testid=hangup]');
    const update = await eventually('the CRM update', () => crm.updates.find((u) => Number(u.campaignid) === campaignId), 30_000);
    expect(update).toMatchObject({ status: 'ANSWERED', agentcode: 'Agent/1001', station_id: '1001' });
    // The call's recording has the customer and the browser: sound overall, and the fake
    // microphone's 440 Hz tone standing out (it reached Asterisk over ICE and DTLS-SRTP).
    const wav = Buffer.from(await (await fetch(String(update.link_down_record))).arrayBuffer());
    const { rms, tone } = measure(wav, 440);
    const control = measure(wav, 1000).tone;
    process.stdout.write(`live phone recording: ${wav.length} bytes, RMS ${rms.toFixed(0)}, energy at 440 Hz ${(tone * 100).toFixed(1)} %, at 1000 Hz ${(control * 100).toFixed(1)} %\n`);
    expect(rms).toBeGreaterThan(100);
    expect(tone).toBeGreaterThan(0.05);
    expect(tone).toBeGreaterThan(5 * control);

    // Wrap-up done, the shift ends: the phone's password is deleted from Asterisk.
    await eventually(
      'signed out of the desk',
      async () => {
        if ((await page.locator('[data-testid=desk-sign-in]').count()) > 0) return true;
        await page.click('[data-testid=ready]', { timeout: 1000 }).catch(() => {});
        await page.click('[data-testid=desk-sign-out]', { timeout: 1000 }).catch(() => {});
        return false;
      },
      30_000,
    );
    await eventually('the auth object removed from Asterisk', async () => !(await ariAuthExists('webrtc-1001')), 10_000);
    await context.close();
  }, 120_000);

  // The supervisor's phone in the browser (endpoint webrtc-supervisor: the demo account's
  // stationId): it registers, a monitoring start rings it and it answers by itself, listen →
  // whisper → stop keeps the one leg, and its auth object goes at sign-out.
  if (agentMode === 'on-answer')
    it("a supervisor's browser phone registers and takes the monitoring leg by itself (listen, whisper, stop)", async () => {
      const desk = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN', permissions: ['microphone'] });
      const agent = await desk.newPage();
      await agent.goto('/login');
      await agent.fill('input[name=username]', 'agent1');
      await agent.fill('input[name=password]', 'agent1');
      await agent.click('[data-testid=login-submit]');
      await agent.waitForSelector('[data-testid=desk-sign-in]');
      await agent.click('[data-testid=desk-sign-in-submit]');
      await agent.waitForSelector('[data-testid=agent-state][data-state=ready]', { timeout: 20_000 });

      const room = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url, locale: 'vi-VN', permissions: ['microphone'] });
      const sup = await room.newPage();
      await sup.goto('/login');
      await sup.fill('input[name=username]', 'supervisor');
      await sup.fill('input[name=password]', 'supervisor');
      await sup.click('[data-testid=login-submit]');
      await sup.waitForURL((url) => url.pathname !== '/login', { timeout: 10_000 });
      await sup.goto('/supervisor');
      await sup.waitForSelector('[data-testid=live-calls] [data-testid=phone][data-registration=registered]', { timeout: 20_000 });
      expect(await ariAuthExists('webrtc-supervisor')).toBe(true);

      await ccs.sendCampaign(9103, [{ id: 1, phonenumber: `${prefix}8` }]);
      await agent.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 30_000 });
      const call = await eventually('the connected call', () => ccs.service.engine.liveCalls().find((c) => c.state === 'connected' && c.agentCode === 'Agent/1001'), 10_000);
      const row = `[data-testid=monitor-${call.callId}]`;
      await sup.waitForSelector(row, { timeout: 10_000 });
      await sup.click(`${row} [data-testid=monitor-listen]`);
      await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=listening]`, { timeout: 30_000 });
      await sup.waitForSelector('[data-testid=phone][data-call=in-call]', { timeout: 30_000 });
      expect(await sup.textContent('[data-testid=monitor-phone]')).toContain('PJSIP/webrtc-supervisor');
      await sup.click(`${row} [data-testid=monitor-whisper]`);
      await sup.waitForSelector(`${row} [data-testid=monitor-state][data-state=whispering]`, { timeout: 30_000 });
      await agent.waitForSelector('[data-testid=coaching-notice][data-mode=whisper]', { timeout: 10_000 });
      expect(await sup.getAttribute('[data-testid=phone]', 'data-call')).toBe('in-call');
      await sup.click(`${row} [data-testid=monitor-stop]`);
      await sup.waitForSelector('[data-testid=monitor-state]', { state: 'detached', timeout: 30_000 });
      await sup.waitForSelector('[data-testid=phone][data-call=idle]', { timeout: 30_000 });
      expect(await sup.locator('[data-testid=phone-problem]').count()).toBe(0);

      await agent.click('[data-testid=hangup]');
      await eventually('the CRM update', () => crm.updates.find((u) => Number(u.campaignid) === 9103), 30_000);
      await sup.evaluate(async () => {
        const csrf = ((await (await fetch('/ui/session')).json()) as { csrfToken: string }).csrfToken;
        await fetch('/ui/logout', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf }, body: '{}' });
      });
      await eventually("the supervisor's auth object removed from Asterisk", async () => !(await ariAuthExists('webrtc-supervisor')), 10_000);
      await room.close();
      await desk.close();
    }, 120_000);
});
