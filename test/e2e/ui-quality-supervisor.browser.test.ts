/**
 * The supervisor pages as a person reads them: a failed load is not "not found", the answer rate
 * counts connected calls, every value is in the reader's language, nothing is cut off (also at
 * 390 px), and the pages pass an axe-core scan in Vietnamese and English with headings, chart
 * names, focus kept after "Close campaign" and Escape cancelling. Some figures come from a real
 * service; the rest from answers the test substitutes (page.route) to reproduce what was seen.
 */
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AXE_CONTEXT, seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { screenshot, signedInPage } from './support/pages.ts';
import { eventually, startUiService, type UiService } from './support/ui-service.ts';

const REAL = 4401;
const MOCK = 4402;

function campaignView(id: number, attemptsByStatus: Record<string, number>) {
  return {
    campaignid: id,
    typeid: null,
    state: 'running',
    finishStatus: null,
    starttime: '2026-12-01 08:00:00',
    endtime: '2026-12-01 20:00:00',
    receivedAt: '2026-12-01 07:59:00',
    profile: { name: 'default', dialMode: 'progressive', agentGroup: 'default' },
    counts: { contactTotal: 10, contactsFinal: 10, contactsPending: 0, contactsDialing: 0, contactsAnswered: 2, contactsDnc: 0, attempts: 4, attemptsByStatus },
    abandonRate: 0,
    liveCalls: 3,
  };
}

const liveCall = (n: number) => ({ callid: `c${n}`, campaignid: MOCK, contactId: n, attemptNo: 1, phonenumber: `090000000${n}`, state: 'connected', agentcode: `Agent/20${n}`, answeredAt: '2026-12-01 09:00:00', seconds: 30 });
const json = (route: Route, body: unknown) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
const path = (p: string) => (url: URL) => url.pathname === p;

/** What a Vietnamese reader must never see raw (the values observed untranslated). */
const RAW = [/\banswered\b/, /retry-delay/, /progressive/, /\bdefault\b/, /\bupdate\b/, /\bfinish\b/, /connection refused/i, /TypeError/, /Failed to fetch/, /\b404\b/];
const rawIn = (text: string) => RAW.filter((r) => r.test(text)).map(String);

describe.runIf(chromiumAvailable())('supervisor pages: loading, figures, words, layout and accessibility', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url });
    browser = await launchChromium();
    await ccs.sendCampaign(REAL, [
      { id: 1, phonenumber: '0944000001', linkedit: `${crm.url}/contact/1` },
      { id: 2, phonenumber: '0944000002' },
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  const supervisorPage = async (lang: 'vi' | 'en' = 'vi'): Promise<Page> => {
    const page = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor', AXE_CONTEXT);
    if (lang === 'en') await page.click('[data-testid=lang-en]');
    return page;
  };

  it('a campaign page that fails to load says it could not load and retries; only a missing campaign reads as not found', async () => {
    const page = await supervisorPage();
    await page.waitForSelector('[data-testid=supervisor-dashboard]');
    // CCS unreachable for this campaign: the request fails at the network level.
    const campaignApi = path(`/ops/campaigns/${REAL}`);
    await page.route(campaignApi, (route) => route.abort('connectionrefused'));
    await page.goto(`/supervisor/campaigns/${REAL}`);
    const notice = await page.waitForSelector('[data-testid=load-failed]', { timeout: 10_000 });
    expect(await notice.textContent()).toContain('Không tải được trang; đang thử lại…');
    expect(await notice.textContent()).toContain('Không kết nối được với CCS');
    expect(rawIn(await page.innerText('body'))).toEqual([]);
    // CCS back: the page loads by itself.
    await page.unroute(campaignApi);
    await page.waitForSelector('[data-testid=campaign-page]', { timeout: 10_000 });
    expect(await page.locator('[data-testid=load-failed]').count()).toBe(0);
    // A campaign that does not exist says so, in words.
    await page.goto('/supervisor/campaigns/987654');
    expect(await (await page.waitForSelector('[data-testid=campaign-missing]')).innerText()).toContain('Không có chiến dịch #987654.');
    await page.context().close();
  }, 60_000);

  it('the answer rate counts calls connected right now as answered: 1 no-answer and 3 connected read 75.0%, not 0.0%', async () => {
    const page = await supervisorPage();
    await page.route(path('/ops/campaigns'), (route) => json(route, { campaigns: [campaignView(MOCK, { 'NO ANSWER': 1 })] }));
    await page.route(path('/ops/calls/live'), (route) => json(route, { calls: [1, 2, 3].map(liveCall) }));
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid=kpi-live-calls] .kpi-value:text-is("3")');
    expect(await page.textContent('[data-testid=kpi-answer-rate] .kpi-value')).toBe('75.0%');
    await page.context().close();
  }, 60_000);

  it('the answer rate on the real floor: one customer connected to the agent reads 100.0%', async () => {
    const agent = await signedInPage(browser, ccs.url, 'agent2', 'agent2');
    await agent.click('[data-testid=desk-sign-in-submit]');
    await agent.waitForSelector('[data-testid=agent-state][data-state=talking]', { timeout: 15_000 });
    const page = await supervisorPage();
    await eventually('a connected call on the dashboard', async () => (await page.textContent('[data-testid=kpi-live-calls] .kpi-value')) === '1');
    expect(await page.textContent('[data-testid=kpi-answer-rate] .kpi-value')).toBe('100.0%');
    await page.context().close();
    await agent.context().close();
  }, 60_000);

  it('every value from the server and every error is in Vietnamese words', async () => {
    const page = await supervisorPage();
    await page.route(path('/ops/outbox'), (route) => {
      const dead = new URL(route.request().url()).searchParams.get('state') === 'dead';
      const row = (id: number, kind: string) => ({ id, campaignid: MOCK, kind, state: dead ? 'dead' : 'pending', attempts: 9, createdAt: '2026-12-01 09:00:00', lastError: 'connection refused' });
      return json(route, { callbacks: [row(1, 'update'), row(2, 'finish')] });
    });
    await page.route(path('/ops/outbox/stats'), (route) => json(route, { pending: 2, dead: 2, delivered: 0, oldestPendingAgeSeconds: 30 }));
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid=crm-health] table');
    const dashboard = await page.innerText('body');
    expect(rawIn(dashboard)).toEqual([]);
    expect(dashboard).toContain('CRM từ chối kết nối.');
    expect(dashboard).toContain('Kết quả cuộc gọi');
    expect(dashboard).toContain('Kết thúc chiến dịch');
    expect(dashboard).toContain('Lũy tiến');

    await page.route(path(`/ops/campaigns/${MOCK}`), (route) => json(route, campaignView(MOCK, { 'NO ANSWER': 1 })));
    await page.route(path(`/ops/campaigns/${MOCK}/contacts`), (route) =>
      json(route, {
        contacts: [
          { contactId: 1, phonenumber: '0900000001', linkedit: null, state: 'final', outcome: 'answered', attempts: 1, nextAttemptAt: null, lastStatus: 'ANSWERED', waitReason: null },
          { contactId: 2, phonenumber: '0900000002', linkedit: null, state: 'pending', outcome: null, attempts: 1, nextAttemptAt: '2026-12-01 10:00:00', lastStatus: 'NO ANSWER', waitReason: 'retry-delay' },
          { contactId: 3, phonenumber: '0900000003', linkedit: null, state: 'pending', outcome: null, attempts: 0, nextAttemptAt: '2026-12-01 10:00:00', lastStatus: null, waitReason: 'outside-legal-hours (vn: 08:00-20:00)' },
        ],
      }),
    );
    await page.goto(`/supervisor/campaigns/${MOCK}`);
    await page.click('[data-testid=tab-contacts]');
    // The table is drawn before its rows arrive: wait for the three contacts.
    await page.waitForSelector('[data-testid=contacts-table] tbody tr:nth-child(3)');
    const campaignPage = await page.innerText('body');
    expect(rawIn(campaignPage)).toEqual([]);
    for (const words of ['đã nghe máy', 'chờ gọi lại', 'ngoài giờ gọi theo quy định', 'Lũy tiến · nhóm mặc định']) expect(campaignPage).toContain(words);
    await page.context().close();
  }, 60_000);

  it('the answer-rate chart’s axis label reads 100%, not ".00%": every label lies inside the chart', async () => {
    const page = await supervisorPage();
    const now = Date.now();
    await page.route(path('/ui/supervisor/call-rates'), (route) =>
      json(route, { minutes: Array.from({ length: 30 }, (_, i) => ({ at: now - (30 - i) * 60_000, counts: { ANSWERED: i % 3, 'NO ANSWER': 1 }, total: (i % 3) + 1 })) }),
    );
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid=chart-answer-rate]');
    const labels = await page.$$eval('[data-testid=chart-answer-rate] text', (texts) =>
      texts.map((el) => {
        const box = (el as SVGGraphicsElement).getBBox();
        const width = ((el as SVGElement).ownerSVGElement as SVGSVGElement).viewBox.baseVal.width;
        return { text: el.textContent, inside: box.x >= 0 && box.x + box.width <= width };
      }),
    );
    expect(labels.filter((l) => l.text?.endsWith('%'))).toEqual([
      { text: '0%', inside: true },
      { text: '50%', inside: true },
      { text: '100%', inside: true },
    ]);
    await page.context().close();
  }, 60_000);

  it('the agents table fits its card: no column cut off with a long pause reason in Vietnamese', async () => {
    const page = await supervisorPage();
    await page.route(path('/ops/agents'), (route) =>
      json(route, {
        agents: [
          { agentcode: 'Agent/1001', station_id: '1001', group: 'default', state: 'paused', pauseReason: 'desktop-disconnected', secondsInState: 4000, callid: null, callsTaken: 128 },
          { agentcode: 'Agent/1002', station_id: '1002', group: 'default', state: 'wrap-up', pauseReason: null, secondsInState: 12, callid: null, callsTaken: 97 },
          { agentcode: 'Agent/1003', station_id: '1003', group: 'default', state: 'talking', pauseReason: null, secondsInState: 75, callid: 'x', callsTaken: 110 },
          { agentcode: 'Agent/1004', station_id: '1004', group: 'default', state: 'reserved', pauseReason: null, secondsInState: 5, callid: 'y', callsTaken: 1234 },
        ],
      }),
    );
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid="agent-row-Agent/1001"]');
    // Every cell ends inside the card's content box (not in its padding, not scrolled away).
    const overflow = await page.$eval('[data-testid=agents]', (card) => {
      const inner = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
      return Array.from(card.querySelectorAll('th, td')).filter((cell) => cell.getBoundingClientRect().right > inner + 0.5).map((cell) => cell.textContent);
    });
    expect(overflow).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('the live calls table fits its card at 1366 px: the monitor buttons are not cut off in Vietnamese', async () => {
    const page = await supervisorPage();
    const call = (n: number) => ({ callid: `ccs-9-${n}-1`, campaignid: 105, contactId: n, attemptNo: 1, phonenumber: `098700050${n}`, state: 'connected', agentcode: `Agent/100${n}`, answeredAt: '2026-12-01 16:38:00', seconds: 10 });
    await page.route(path('/ops/calls/live'), (route) => json(route, { calls: [call(1), call(2), call(3)] }));
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid=live-calls] [data-testid=monitor-listen]');
    const overflow = await page.$eval('[data-testid=live-calls]', (card) => {
      const inner = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
      return Array.from(card.querySelectorAll('th, td, button')).filter((cell) => cell.getBoundingClientRect().right > inner + 0.5).map((cell) => cell.textContent);
    });
    expect(overflow).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('at 390 px wide the dashboard and the campaign page fit the screen', async () => {
    const page = await supervisorPage();
    await page.setViewportSize({ width: 390, height: 844 });
    for (const target of ['/supervisor', `/supervisor/campaigns/${REAL}`]) {
      await page.goto(target);
      await page.waitForSelector(target === '/supervisor' ? '[data-testid=supervisor-dashboard]' : '[data-testid=campaign-page]');
      const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.querySelector('.page')!.scrollWidth));
      expect(width, target).toBeLessThanOrEqual(390);
      const close = await page.locator(`[data-testid=close-${REAL}]`).boundingBox();
      expect(close!.x + close!.width, `${target}: Close campaign on screen`).toBeLessThanOrEqual(390);
    }
    await page.context().close();
  }, 60_000);

  it('each supervisor page has one h1', async () => {
    const page = await supervisorPage();
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid=supervisor-dashboard]');
    expect(await page.locator('h1').allTextContents()).toEqual(['Bảng giám sát']);
    await page.goto(`/supervisor/campaigns/${REAL}`);
    await page.waitForSelector('[data-testid=campaign-page]');
    expect(await page.locator('h1').allTextContents()).toEqual([`Chiến dịch #${REAL}`]);
    await page.context().close();
  }, 60_000);

  it('the charts have accessible names saying what they show and their totals', async () => {
    const page = await supervisorPage();
    const now = Date.now();
    await page.route(path('/ui/supervisor/call-rates'), (route) => json(route, { minutes: [{ at: now - 60_000, counts: { ANSWERED: 2, BUSY: 1 }, total: 3 }] }));
    await page.goto('/supervisor');
    await page.waitForSelector('[data-testid=chart-answer-rate]');
    expect(await page.getAttribute('[data-testid=chart-calls]', 'aria-label')).toBe('Biểu đồ cột, số cuộc gọi mỗi phút theo trạng thái, 1 phút gần nhất: 3 cuộc, 2 cuộc nghe máy.');
    expect(await page.getAttribute('[data-testid=chart-answer-rate]', 'aria-label')).toBe('Biểu đồ đường, tỉ lệ nghe máy mỗi phút, 1 phút gần nhất: tổng cộng 66.7%.');
    await page.context().close();
  }, 60_000);

  it('Escape cancels the "Close campaign" confirmation and focus returns to the button', async () => {
    const page = await supervisorPage();
    await page.goto('/supervisor');
    await page.click(`[data-testid=close-${REAL}]`);
    await page.waitForSelector(`[data-testid=close-confirm-${REAL}]`);
    await page.keyboard.press('Escape');
    expect(await page.locator(`[data-testid=close-confirm-${REAL}]`).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`close-${REAL}`);
    expect(await page.getAttribute(`[data-testid=campaign-row-${REAL}] [data-testid=campaign-state]`, 'data-state')).toBe('running');
    await page.context().close();
  }, 60_000);

  it('after "Close campaign" focus moves to the campaign (not lost on the page) and the close is announced', async () => {
    await ccs.sendCampaign(4403, [{ id: 1, phonenumber: '0944000031' }]);
    await ccs.sendCampaign(4404, [{ id: 1, phonenumber: '0944000041' }]);
    const page = await supervisorPage();
    await page.goto('/supervisor');
    await page.click('[data-testid=close-4403]');
    await page.click('[data-testid=close-confirm-4403]');
    await page.waitForSelector('[data-testid=campaign-row-4403] [data-state=finished]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('campaign-link-4403');
    expect(await page.textContent('[data-testid=announcer]')).toBe('Đã yêu cầu đóng chiến dịch #4403.');
    // On the campaign's own page, focus goes to its title.
    await page.goto('/supervisor/campaigns/4404');
    await page.click('[data-testid=close-4404]');
    await page.click('[data-testid=close-confirm-4404]');
    await page.waitForSelector('[data-testid=campaign-state][data-state=finished]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('page-title');
    await page.context().close();
  }, 60_000);

  it('axe-core finds no serious or critical violation on the dashboard and the campaign page, in Vietnamese and English', async () => {
    const page = await supervisorPage();
    const found: Record<string, string[]> = {};
    for (const lang of ['vi', 'en'] as const) {
      await page.click(`[data-testid=lang-${lang}]`);
      await page.goto('/supervisor');
      await page.waitForSelector(`[data-testid=campaign-row-${REAL}]`);
      await page.waitForSelector('[data-testid=crm-health]');
      found[`dashboard ${lang}`] = await seriousA11yViolations(page);
      await page.click(`[data-testid=campaign-link-${REAL}]`);
      await page.waitForSelector('[data-testid=attempts-table]');
      found[`campaign ${lang}`] = await seriousA11yViolations(page);
      await page.click('[data-testid=tab-contacts]');
      await page.waitForSelector('[data-testid=contacts-table]');
      found[`contacts ${lang}`] = await seriousA11yViolations(page);
      await screenshot(page, `a11y-campaign-${lang}`);
    }
    expect(found).toEqual({ 'dashboard vi': [], 'campaign vi': [], 'contacts vi': [], 'dashboard en': [], 'campaign en': [], 'contacts en': [] });
    await page.context().close();
  }, 90_000);
});
