/**
 * Start-up time of the two ways people start CCS, each as a ratio against `node -e ''` (the
 * cost of starting Node itself) measured in the same run, median of N runs:
 *
 *   - `npx ccs status` against a running CCS, until it has printed its answer;
 *   - `npm start` until GET /healthz answers 200 (a fresh data folder each run).
 *
 * The compiled build (dist/server) and the web bundle are brought up to date first, so the
 * figures are those of every start but the first after a change; the time of a rebuild is
 * printed beside them. Prints; never asserts.
 *
 *   npx tsx bench/startup.ts [--runs 9]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildServer, ensureServerBuild } from '../scripts/server-build.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StartupBenchResult {
  runs: number;
  nodeMs: number;
  statusMs: number;
  statusDirectMs: number;
  startMs: number;
  rebuildMs: number;
  line: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The environment of the runs: no CCS_* setting of the caller leaks in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CCS_'))), ...extra };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Wall time of one command run to its end, in ms; fails when the command fails. */
function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return ms;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).ok;
  } catch {
    return false;
  }
}

/** Spawns `command` (a process group), polls /healthz every 10 ms; ms until 200. Kills the group after. */
async function timeToHealthy(command: string, args: string[], port: number, limitMs = 60_000): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ccs-startup-'));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env: cleanEnv({ CCS_PORT: String(port), CCS_DATA_DIR: dataDir, CCS_LOG_LEVEL: 'warn' }), stdio: 'ignore', detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (await healthy(url)) return performance.now() - started;
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode} before /healthz answered`);
      if (performance.now() - started > limitMs) throw new Error(`no /healthz within ${limitMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runStartupBench(runs = 9, log: (line: string) => void = () => {}): Promise<StartupBenchResult> {
  // Bring both builds up to date, as the first `npm start` after a change does.
  await ensureServerBuild();
  spawnSync(process.execPath, ['scripts/ensure-web-build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const rebuildDir = mkdtempSync(join(tmpdir(), 'ccs-rebuild-'));
  const rebuildStarted = performance.now();
  await buildServer(rebuildDir);
  const rebuildMs = performance.now() - rebuildStarted;
  rmSync(rebuildDir, { recursive: true, force: true });

  // A CCS for `ccs status` to ask.
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'ccs-startup-'));
  const service = spawn(process.execPath, ['bin/ccs.mjs', 'serve'], { cwd: ROOT, env: cleanEnv({ CCS_PORT: String(port), CCS_DATA_DIR: dataDir, CCS_LOG_LEVEL: 'warn' }), stdio: 'ignore' });
  const serviceExited = new Promise<void>((resolve) => service.once('exit', () => resolve()));
  const node: number[] = [];
  const status: number[] = [];
  const direct: number[] = [];
  const start: number[] = [];
  try {
    for (let i = 0; i < 600 && !(await healthy(`http://127.0.0.1:${port}`)); i++) await new Promise((r) => setTimeout(r, 100));
    const env = cleanEnv({ CCS_PORT: String(port) });
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    timeCommand(npx, ['ccs', 'status'], env); // warm the file cache
    for (let i = 0; i < runs; i++) {
      // Interleaved, so a burst of load on the shared machine touches every series alike.
      node.push(timeCommand(process.execPath, ['-e', ''], env));
      status.push(timeCommand(npx, ['ccs', 'status'], env));
      direct.push(timeCommand(process.execPath, ['bin/ccs.mjs', 'status'], env));
      log(`run ${i + 1}/${runs}: node -e '' ${node.at(-1)!.toFixed(0)} ms, npx ccs status ${status.at(-1)!.toFixed(0)} ms, node bin/ccs.mjs status ${direct.at(-1)!.toFixed(0)} ms`);
    }
    for (let i = 0; i < runs; i++) {
      start.push(await timeToHealthy(npm, ['start'], await freePort()));
      log(`run ${i + 1}/${runs}: npm start → /healthz ${start.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    service.kill('SIGKILL');
    await serviceExited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  const nodeMs = median(node);
  const statusMs = median(status);
  const statusDirectMs = median(direct);
  const startMs = median(start);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const line =
    `start-up (median of ${runs}): node -e '' ${s(nodeMs)}; ` +
    `npx ccs status ${s(statusMs)} = ${(statusMs / nodeMs).toFixed(1)}× (goal < 0.5 s; node bin/ccs.mjs status ${s(statusDirectMs)} = ${(statusDirectMs / nodeMs).toFixed(1)}×); ` +
    `npm start → /healthz ${s(startMs)} = ${(startMs / nodeMs).toFixed(1)}× (goal < 2 s); rebuild after a change ${s(rebuildMs)}`;
  return { runs, nodeMs, statusMs, statusDirectMs, startMs, rebuildMs, line };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--runs');
  const runs = at === -1 ? 9 : Number(process.argv[at + 1]);
  const result = await runStartupBench(runs, (l) => process.stdout.write(`${l}\n`));
  process.stdout.write(`\n${result.line}\n(${new Date().toISOString()}, ${cpus().length} cores, Node ${process.versions.node})\n`);
}
