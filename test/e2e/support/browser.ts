/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core
 * (Playwright's own browser download cannot work here), and the web bundle built first when
 * dist/web is missing or older than the sources in web/.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CCS_CHROMIUM ?? '/usr/bin/chromium';
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DIST_WEB = join(REPO_ROOT, 'dist', 'web');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when Chromium is installed; in CI its absence is an error, elsewhere the browser tests are skipped. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install -y chromium)`);
  process.stderr.write(`browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)\n`);
  return false;
}

/** `extraArgs`: e.g. the fake microphone of the phone tests (`--use-fake-device-for-media-stream`). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], timeout: 30_000 });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = () => {
  const index = join(DIST_WEB, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(REPO_ROOT, 'web'));
};

/**
 * Builds the web bundle (vite build) unless dist/web is present and newer than web/. Test
 * files run in parallel workers: a lock directory keeps them from building over each other.
 */
export async function ensureWebBuild(): Promise<void> {
  const lock = join(REPO_ROOT, 'dist', '.web-build.lock');
  if (fresh() && !existsSync(lock)) return;
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (i > 600) throw new Error(`could not take ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    if (fresh()) return;
    // Built aside and swapped in, so nobody ever serves a half-written bundle.
    const staging = join(REPO_ROOT, 'dist', `.web-build-${process.pid}`);
    const { build } = await import('vite');
    await build({ configFile: join(REPO_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn', build: { outDir: staging, emptyOutDir: true } });
    rmSync(DIST_WEB, { recursive: true, force: true });
    renameSync(staging, DIST_WEB);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
