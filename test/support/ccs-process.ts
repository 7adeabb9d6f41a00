/**
 * CCS as a real child process (`node bin/ccs.mjs serve`), for tests that kill it: started with
 * a given environment (no CCS_* setting leaks in from the test's own environment), ready once
 * /healthz answers, and killed with SIGKILL like a crash or power loss. Output is kept for
 * the failure message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CcsProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGKILL, then waits for the process to be gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop, as in a deploy), then waits for the process to exit; resolves with its exit code. */
  terminate(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

export async function startCcs(env: Record<string, string>, readyWithinMs = 60_000): Promise<CcsProcess> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CCS_'))) as Record<string, string>;
  const child = spawn(process.execPath, ['bin/ccs.mjs', 'serve'], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${env.CCS_PORT}`;
  const proc: CcsProcess = {
    url,
    child,
    output: () => out,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return child.exitCode;
    },
  };

  const stop = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ccs exited with ${child.exitCode} before it was ready:\n${out}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return proc;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > stop) {
      await proc.kill9();
      throw new Error(`ccs was not ready within ${readyWithinMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Kills every child still running (afterAll). */
export async function killAllCcs(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Polls `probe` every 100 ms until it gives a value, at most `limitMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, limitMs: number, context: () => string = () => ''): Promise<T> {
  const stop = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > stop) throw new Error(`timed out after ${limitMs} ms waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
