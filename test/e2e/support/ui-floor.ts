/**
 * The set-up the desk and dashboard browser tests share, as one fixture: the web bundle built,
 * the stand-in CRM, the real service on the simulated floor (ui-service.ts) with the file's own
 * default profile and settings, and Chromium; started before the file's tests and stopped after
 * them. `openDesk` signs an agent in and starts its shift, as an agent does at the desk.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { AXE_CONTEXT } from './axe.ts';
import { ensureWebBuild, launchChromium } from './browser.ts';
import { startFakeCrm, type FakeCrm } from './fake-crm.ts';
import { signedInPage } from './pages.ts';
import { startUiService, type UiService } from './ui-service.ts';

export interface UiFloorOptions {
  /** The config file's `defaultProfile`; without it the service runs on its built-in profile. */
  defaultProfile?: Record<string, unknown>;
  /** Settings on top of ui-service.ts's (e.g. `CCS_MAX_WRAPUP_SECONDS`). */
  env?: Record<string, string>;
}

export interface UiFloor {
  readonly crm: FakeCrm;
  readonly ccs: UiService;
  readonly browser: Browser;
  /**
   * A demo agent (`username` is also its password) signed in to the UI and to the floor, ready,
   * with the live stream up; its page can be scanned by axe-core. `url`: another address of
   * the service (a proxy in front of it).
   */
  openDesk(username: string, options?: { url?: string }): Promise<Page>;
}

/** Registers the file's beforeAll/afterAll; call it in the describe block, use the result in its tests. */
export function useUiFloor(options: UiFloorOptions = {}): UiFloor {
  let crm: FakeCrm | undefined;
  let ccs: UiService | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    const env = { ...options.env };
    if (options.defaultProfile) {
      dir = mkdtempSync(join(tmpdir(), 'ccs-ui-floor-'));
      env.CCS_CONFIG = join(dir, 'ccs.config.json');
      writeFileSync(env.CCS_CONFIG, JSON.stringify({ defaultProfile: options.defaultProfile }));
    }
    ccs = await startUiService({ crmUrl: crm.url, env });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: use it inside a test`);
    return value;
  };
  const floor: UiFloor = {
    get crm() {
      return started(crm, 'the stand-in CRM');
    },
    get ccs() {
      return started(ccs, 'the service');
    },
    get browser() {
      return started(browser, 'the browser');
    },
    async openDesk(username, desk = {}) {
      const page = await signedInPage(floor.browser, desk.url ?? floor.ccs.url, username, username, AXE_CONTEXT);
      await page.waitForSelector('[data-testid=desk-sign-in]');
      await page.click('[data-testid=desk-sign-in-submit]');
      await page.waitForSelector('[data-testid=agent-state][data-state=ready]');
      await page.waitForSelector('[data-testid=live-badge].on');
      return page;
    },
  };
  return floor;
}
