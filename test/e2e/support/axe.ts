/**
 * Accessibility scans inside the browser tests: axe-core's own script injected into the page
 * (page.addScriptTag), run on the whole document except embedded third-party pages (the CRM's).
 * Returns the serious and critical violations, one line each, so a failing test says what and where.
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

export async function seriousA11yViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<unknown> } }).axe;
    return axe.run({ exclude: [['iframe']] }, { resultTypes: ['violations'], iframes: false });
  });
  return (result as AxeResult).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Context options for pages that get scanned: the UI's CSP (script-src 'self') would refuse the injected script. */
export const AXE_CONTEXT = { bypassCSP: true } as const;
