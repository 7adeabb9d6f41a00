/**
 * The Reports page in a real browser: a supervisor opens it from the dashboard, picks a date
 * range and a grouping, reads the figures of a known floor, and exports them: the CSV download
 * is the file /ops/reports.csv serves for the same query, and the XLSX download (opened with a
 * spreadsheet reader) holds the same cells. English, with the Vietnamese header checked too.
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { readSheet } from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReportFloor } from '../support/report-floor.ts';
import { chromiumAvailable, ensureWebBuild, launchChromium } from './support/browser.ts';
import { startFakeCrm, type FakeCrm } from './support/fake-crm.ts';
import { signedInPage } from './support/pages.ts';
import { startUiService, type UiService } from './support/ui-service.ts';

describe.runIf(chromiumAvailable())('Reports page', () => {
  let crm: FakeCrm;
  let ccs: UiService;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    crm = await startFakeCrm();
    ccs = await startUiService({ crmUrl: crm.url, env: { CCS_TIMEZONE: 'Asia/Ho_Chi_Minh' } });
    await seedReportFloor(ccs.service.store);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ccs?.close();
    await crm?.close();
  });

  it('shows a report by agent for a chosen day and exports it as CSV and XLSX', async () => {
    const page = await signedInPage(browser, ccs.url, 'supervisor', 'supervisor');
    await page.click('[data-testid=lang-en]');
    await page.click('[data-testid=open-reports]');
    await page.waitForSelector('[data-testid=reports-page]');
    await page.fill('[data-testid=rep-from]', '2025-06-02');
    await page.fill('[data-testid=rep-to]', '2025-06-02');
    await page.selectOption('[data-testid=rep-by]', 'agent');
    await page.click('[data-testid=rep-show]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=rep-row]').length === 3);

    const cells = await page.$$eval('[data-testid=rep-row]', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).slice(0, 4).map((td) => td.textContent)));
    expect(cells).toEqual([
      ['A01', '2', '2', '05:00'],
      ['A02', '1', '1', '05:00'],
      ['(no agent)', '5', '0', '00:00'],
    ]);
    const total = await page.$$eval('[data-testid=rep-total] > *', (c) => c.map((x) => x.textContent));
    expect(total.slice(0, 8)).toEqual(['Total', '8', '3', '10:00', '00:00', '00:00', '8.3%', '40.0%']);
    expect(await page.textContent('[data-testid=rep-table] thead')).toContain('Attempts');

    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=rep-export-csv]')]);
    expect(csvDownload.suggestedFilename()).toBe('ccs-report-agent-2025-06-02.csv');
    const csv = readFileSync((await csvDownload.path())!, 'utf8');
    const served = await (await fetch(`${ccs.url}/ops/reports.csv?from=2025-06-02&to=2025-06-02&by=agent`)).text();
    expect(csv).toBe(served);
    const rows = csv.trimEnd().split('\r\n').map((l) => l.split(','));
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['agent', 'attempts', 'reached', 'talk_seconds', 'hold_seconds'],
      ['A01', '2', '2', '300', '0'],
      ['A02', '1', '1', '300', '0'],
      ['', '5', '0', '0', '0'],
      ['total', '8', '3', '600', '0'],
    ]);

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=rep-export-xlsx]')]);
    expect(xlsxDownload.suggestedFilename()).toBe('ccs-report-agent-2025-06-02.xlsx');
    const sheet = await readSheet(readFileSync((await xlsxDownload.path())!));
    expect(sheet.map((row) => row.map((cell) => (cell === null ? '' : String(cell))))).toEqual(rows);

    await page.click('[data-testid=lang-vi]');
    expect(await page.textContent('[data-testid=rep-table] thead')).toContain('Lượt gọi');
    await page.context().close();
  }, 90_000);
});
