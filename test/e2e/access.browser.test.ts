/**
 * Who may open what, in a real browser: pages redirect to sign-in without a session, an agent
 * cannot open the supervisor pages nor use the operator API, a supervisor cannot use the agent
 * desktop, and the interface switches between Vietnamese (the default) and English.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage, VIEWPORT } from './support/pages.ts';
import { startUiService, type UiService } from './support/ui-service.ts';

describe.runIf(chromiumAvailable())('web UI access rules', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('sends a visitor without a session to the sign-in page', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url });
    const page = await context.newPage();
    await page.goto('/supervisor');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.waitForSelector('[data-testid=login-form]');
    await page.fill('input[name=username]', 'agent1');
    await page.fill('input[name=password]', 'wrong');
    await page.click('[data-testid=login-submit]');
    expect(await page.textContent('[data-testid=login-error]')).toBe('Sai tên đăng nhập hoặc mật khẩu.');
    await context.close();
  });

  it('does not let an agent open the supervisor pages or use the operator API', async () => {
    const agent = await signedInPage(browser, ccs.url, 'agent1', 'agent1');
    const response = await agent.goto('/supervisor');
    expect(response?.status()).toBe(403);
    await agent.waitForSelector('[data-testid=forbidden]');
    expect(await agent.locator('[data-testid=supervisor-dashboard]').count()).toBe(0);
    const campaignPage = await agent.goto('/supervisor/campaigns/1');
    expect(campaignPage?.status()).toBe(403);

    const api = await agent.evaluate(async () => {
      const session = (await (await fetch('/ui/session')).json()) as { csrfToken: string };
      const post = (path: string) => fetch(path, { method: 'POST', headers: { 'x-csrf-token': session.csrfToken } }).then((r) => r.status);
      return {
        campaigns: (await fetch('/ops/campaigns')).status,
        agents: (await fetch('/ops/agents')).status,
        liveCalls: (await fetch('/ops/calls/live')).status,
        close: await post('/ops/campaigns/1/close'),
        replay: await post('/ops/outbox/replay-dead'),
        rates: (await fetch('/ui/supervisor/call-rates')).status,
      };
    });
    expect(api).toEqual({ campaigns: 403, agents: 403, liveCalls: 403, close: 403, replay: 403, rates: 403 });
    await agent.context().close();
  });

  it('does not let a supervisor act as an agent at the desktop', async () => {
    const supervisor = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    expect(new URL(supervisor.url()).pathname).toBe('/supervisor');
    expect((await supervisor.goto('/agent'))?.status()).toBe(403);
    await supervisor.waitForSelector('[data-testid=forbidden]');
    const status = await supervisor.evaluate(async () => (await fetch('/ui/agent/state')).status);
    expect(status).toBe(403);
    await supervisor.context().close();
  });

  it('speaks Vietnamese by default and switches to English, remembering the choice', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: ccs.url });
    const page = await context.newPage();
    await page.goto('/login');
    expect(await page.textContent('h1')).toBe('Đăng nhập');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.click('[data-testid=lang-en]');
    expect(await page.textContent('h1')).toBe('Sign in');
    await page.reload();
    expect(await page.textContent('h1')).toBe('Sign in');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await context.close();
  });
});
