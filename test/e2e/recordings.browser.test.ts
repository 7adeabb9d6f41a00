/**
 * The Recordings page in a real browser: a supervisor opens it from the dashboard, searches by
 * number and by agent, plays a recording (the audio element's time advances), seeks by
 * clicking the waveform, downloads the file (the same bytes as stored), and toggles the legal
 * hold. The listen, the download and both hold changes are in the audit trail under the
 * supervisor's name, "via ui".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneWavChunks } from '../../src/recordings/wav.ts';
import { attemptEnd, answered, contacts, dial, newCampaign, T0 } from '../contract/store-conformance/fixtures.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { screenshot, signedInPage } from './support/pages.ts';
import { startUiService, type UiService } from './support/ui-service.ts';

/** Campaign 41: three answered calls (agents A01, A02, A01), each with an 8-second recording. */
async function seed(ccs: UiService): Promise<{ callId: string; key: string }[]> {
  const { store, recordings } = ccs.service;
  await store.createCampaign(newCampaign(41), contacts(1, 2, 3));
  const out = [];
  for (const [i, agentCode] of ['A01', 'A02', 'A01'].entries()) {
    const startedAt = T0 + i * 600_000;
    const callId = await dial(store, 41, i + 1, 1, startedAt);
    const stored = await recordings.save(callId, 'audio/wav', () => (async function* () {
      yield* toneWavChunks({ seconds: 8, frequencyHz: 330 + 50 * i, seed: i + 1 });
    })());
    await store.endAttempt({ ...attemptEnd(41, i + 1, callId, 'ANSWERED', startedAt, startedAt + 20_000, answered), agentCode, recordingKey: stored.key });
    out.push({ callId, key: stored.key });
  }
  return out;
}

describe.runIf(chromiumAvailable())('Recordings page', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;
  let calls: { callId: string; key: string }[];

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_TIMEZONE: 'Asia/Ho_Chi_Minh' } });
    calls = await seed(ccs);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  const audit = async (callId: string) =>
    ((await (await fetch(`${ccs.url}/ops/recordings/audit?callId=${callId}`)).json()) as { entries: { action: string; actor: string; via: string }[] }).entries.map((e) => `${e.action}/${e.actor}/${e.via}`);

  it('searches, plays, seeks on the waveform, downloads and toggles the legal hold, all audited', async () => {
    const page = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await page.click('[data-testid=lang-en]');
    await page.click('[data-testid=open-recordings]');
    await page.waitForSelector('[data-testid=recordings-page]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=recs-row]').length === 3);

    // Search by agent, then by (part of) the number.
    await page.fill('[data-testid=recs-agent]', 'A01');
    await page.click('[data-testid=recs-search]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=recs-row]').length === 2);
    await page.fill('[data-testid=recs-agent]', '');
    await page.fill('[data-testid=recs-number]', '900000002');
    await page.click('[data-testid=recs-search]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=recs-row]').length === 1);
    const target = calls[1]!;
    expect(await page.getAttribute('[data-testid=recs-row]', 'data-call')).toBe(target.callId);

    // Play: the waveform is drawn and the audio element's time advances.
    await page.click('[data-testid=recs-play]');
    await page.waitForSelector(`[data-testid=recs-player][data-call="${target.callId}"]`);
    await page.waitForFunction(() => (document.querySelector('[data-testid=recs-audio]') as HTMLAudioElement).readyState >= 1);
    // The waveform is drawn once its peaks arrive: well over a thousand painted pixels.
    await page.waitForFunction(() => {
      const canvas = document.querySelector('[data-testid=recs-waveform]') as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return painted > 1000;
    });
    await page.$eval('[data-testid=recs-audio]', (a) => (a as HTMLAudioElement).play());
    await page.waitForFunction(() => (document.querySelector('[data-testid=recs-audio]') as HTMLAudioElement).currentTime > 0.3, undefined, { timeout: 10_000 });

    // Seek: a click at three quarters of the waveform moves playback there.
    await page.$eval('[data-testid=recs-audio]', (a) => (a as HTMLAudioElement).pause());
    const box = (await page.$('[data-testid=recs-waveform]'))!.boundingBox();
    const rect = (await box)!;
    await page.mouse.click(rect.x + rect.width * 0.75, rect.y + rect.height / 2);
    const at = await page.$eval('[data-testid=recs-audio]', (a) => (a as HTMLAudioElement).currentTime);
    expect(at).toBeGreaterThan(5.5);
    expect(at).toBeLessThan(6.5);
    await page.waitForFunction(() => document.querySelector('[data-testid=recs-position]')!.textContent!.startsWith('0:06'));
    await screenshot(page, 'recordings-player');

    // Download: the file is the stored recording, byte for byte.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=recs-player-download]')]);
    expect(download.suggestedFilename()).toBe(`${target.callId}.wav`);
    const stored = readFileSync(join(ccs.service.config.recordings.dir, target.key));
    expect(readFileSync((await download.path())!).equals(stored)).toBe(true);

    // Legal hold on, then off.
    await page.click('[data-testid=recs-hold]');
    await page.waitForFunction(() => document.querySelector('[data-testid=recs-row] .pill') !== null);
    expect(((await (await fetch(`${ccs.url}/ops/recordings/${target.callId}`)).json()) as { heldCall: boolean }).heldCall).toBe(true);
    await page.click('[data-testid=recs-hold]');
    await page.waitForFunction(() => document.querySelector('[data-testid=recs-row] .pill') === null);
    expect(((await (await fetch(`${ccs.url}/ops/recordings/${target.callId}`)).json()) as { heldCall: boolean }).heldCall).toBe(false);

    const trail = await audit(target.callId);
    expect(trail.filter((e) => e.startsWith('listen/'))).toEqual(['listen/supervisor/ui']);
    expect(trail.filter((e) => !e.startsWith('listen/'))).toEqual(['release/supervisor/ui', 'hold/supervisor/ui', 'download/supervisor/ui']);

    await page.click('[data-testid=lang-vi]');
    expect(await page.textContent('[data-testid=recs-table] thead')).toContain('Điện thoại viên');
    await page.context().close();
  }, 90_000);
});
