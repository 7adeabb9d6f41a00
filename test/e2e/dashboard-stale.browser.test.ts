/**
 * The supervisor dashboard in a real browser against the real service on the simulated floor
 * (two agents of the default group): the agents table's group drop-down shows its names whole
 * ("nhóm mặc định") at 1366×768 and at 390×844 while the table still fits its card; and while
 * CCS is down the dashboard says loudly, in a banner screen readers hear, that its figures are
 * out of date since the last refresh, stops the agents' times in state (greyed) instead of
 * ticking them on as if live, and takes the banner away when CCS is back.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AXE_CONTEXT, seriousA11yViolations } from './support/axe.ts';
import { chromiumAvailable } from './support/browser.ts';
import { screenshot, signedInPage } from './support/pages.ts';
import { useUiFloor } from './support/ui-floor.ts';

/**
 * Group drop-downs narrower than their chosen group's name needs (measured on an unconstrained
 * copy in the same place holding that option only), or ending outside the agents card's content
 * box or the screen.
 */
async function clippedGroupSelects(page: Page): Promise<string[]> {
  return page.$eval('[data-testid=agents]', (card) => {
    const inner = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
    const found: string[] = [];
    for (const select of Array.from(card.querySelectorAll<HTMLSelectElement>('select[data-testid^=agent-group-]'))) {
      const copy = select.cloneNode(true) as HTMLSelectElement;
      Object.assign(copy.style, { maxWidth: 'none', width: 'auto', position: 'absolute', visibility: 'hidden' });
      for (const option of Array.from(copy.options)) if (option.value !== select.value) option.remove();
      select.parentElement!.appendChild(copy);
      const needed = copy.getBoundingClientRect().width;
      copy.remove();
      const box = select.getBoundingClientRect();
      const label = `${select.dataset.testid} "${select.selectedOptions[0]?.textContent}"`;
      if (box.width + 0.5 < needed) found.push(`${label}: ${box.width.toFixed(1)} px wide, needs ${needed.toFixed(1)}`);
      if (box.right > inner + 0.5) found.push(`${label}: ends outside the card`);
      if (box.right > window.innerWidth) found.push(`${label}: ends off screen`);
    }
    return found;
  });
}

describe.runIf(chromiumAvailable())('the supervisor dashboard: whole group names, and figures said to be stale while CCS is down', () => {
  const floor = useUiFloor({ env: { CCS_SIM_AGENTS: '2' } });

  it('shows the group drop-down whole in Vietnamese at 1366×768 and 390×844', async () => {
    const page = await signedInPage(floor.browser, floor.ccs.url, 'supervisor', 'supervisor');
    await page.waitForSelector('[data-testid=agents] select[data-testid^=agent-group-]');
    expect(await page.$eval('[data-testid=agents] select[data-testid^=agent-group-]', (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent)).toBe('nhóm mặc định');
    expect(await clippedGroupSelects(page)).toEqual([]);
    // The cells still end inside the card (the table is not pushed past it).
    const overflow = await page.$eval('[data-testid=agents]', (card) => {
      const inner = card.getBoundingClientRect().right - parseFloat(getComputedStyle(card).paddingRight);
      return Array.from(card.querySelectorAll('th, td')).filter((cell) => cell.getBoundingClientRect().right > inner + 0.5).map((cell) => cell.textContent);
    });
    expect(overflow).toEqual([]);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => window.innerWidth === 390);
    expect(await clippedGroupSelects(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.locator('[data-testid=agents]').scrollIntoViewIfNeeded();
    await screenshot(page, 'dashboard-agents-390');
    await page.context().close();
  }, 60_000);

  it('says, in a banner screen readers hear, that the figures are stale since the last refresh while CCS is down, freezes the times in state, and clears it when CCS is back', async () => {
    const page = await signedInPage(floor.browser, floor.ccs.url, 'supervisor', 'supervisor', AXE_CONTEXT);
    await page.waitForSelector('[data-testid=supervisor-dashboard]');
    await page.waitForSelector('[data-testid=live-badge].on');
    expect(await page.locator('[data-testid=figures-stale]').count()).toBe(0);

    const stopping = Date.now();
    await floor.ccs.stop();
    // A refresh may still be answered while the service stops: the last one ends by then.
    const stoppedAt = Date.now();
    try {
      const banner = await page.waitForSelector('[data-testid=figures-stale]', { timeout: 10_000 });
      expect(await banner.getAttribute('role')).toBe('alert');
      // The agents' times in state stop where they are, shown as stale, instead of ticking on as if live.
      const times = () => page.$$eval('[data-testid^=agent-row-] td:nth-child(3)', (cells) => cells.map((c) => c.textContent));
      const frozen = await times();
      expect(frozen).toHaveLength(2);
      await page.waitForTimeout(2_500);
      expect(await times()).toEqual(frozen);
      expect(await page.$$eval('[data-testid=agent-time]', (cells) => cells.map((c) => (c as HTMLElement).dataset.stale))).toEqual(['true', 'true']);
      // Like the desk's connection-lost banner: the same look, pinned in view.
      expect(await banner.evaluate((el) => el.classList.contains('service-lost'))).toBe(true);
      const since = Number(await banner.getAttribute('data-since'));
      expect(since).toBeLessThanOrEqual(stoppedAt);
      expect(since).toBeGreaterThan(stopping - 30_000);
      const time = await page.evaluate((ms) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(ms), since);
      expect(await banner.textContent()).toContain(`Số liệu không còn được cập nhật từ ${time}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
      await screenshot(page, 'dashboard-figures-stale');
      await page.click('[data-testid=lang-en]');
      expect(await page.textContent('[data-testid=figures-stale]')).toContain(`Figures out of date since ${time}`);
      expect(await seriousA11yViolations(page)).toEqual([]);
    } finally {
      await floor.ccs.start();
    }
    await page.waitForSelector('[data-testid=figures-stale]', { state: 'detached', timeout: 20_000 });
    await page.waitForSelector('[data-testid=live-badge].on');
    // Live again: the times tick again.
    await page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid=agent-time]')).every((c) => (c as HTMLElement).dataset.stale === 'false'));
    await page.context().close();
  }, 90_000);
});
