/**
 * The shipped `ccs` command (bin/ccs.mjs, running the compiled build) as a user runs it: a
 * failure is one line on stderr and a non-zero exit code, never a stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function ccs(args: string[], env: Record<string, string>, limitMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CCS_')));
  const child = spawn(process.execPath, ['bin/ccs.mjs', ...args], { cwd: ROOT, env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const limit = setTimeout(() => child.kill('SIGKILL'), limitMs);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(limit);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** A port taken on every IPv4 address, where CCS listens by default. */
async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('ccs as a process', () => {
  it('reports an unreachable service in one line naming the URL tried and how to point elsewhere, exit code 1', async () => {
    const { server, port } = await listening();
    await close(server); // nothing listens there any more
    const r = await ccs(['status'], { CCS_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`cannot reach CCS at http://127.0.0.1:${port} (connection refused; the URL came from CCS_PORT)`);
    expect(r.stderr).toContain('--url <url>, CCS_URL=<url> or CCS_PORT=<port>');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unknown command in one line with the nearest command, exit code 2', async () => {
    const r = await ccs(['agnets'], {});
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'ccs: unknown command "agnets"; did you mean "ccs agents"? (ccs --help lists the commands)\n' });
  });

  it('serve on a port already in use stops with one line naming CCS_PORT, exit code 1', async () => {
    const { server, port } = await listening();
    const dataDir = mkdtempSync(join(tmpdir(), 'ccs-port-taken-'));
    dirs.push(dataDir);
    try {
      const r = await ccs(['serve'], { CCS_PORT: String(port), CCS_DATA_DIR: dataDir, CCS_LOG_LEVEL: 'silent' });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`cannot start CCS: port ${port} is already in use on 0.0.0.0; stop the program using it, or set CCS_PORT to a free port (or "port" in the config file)\n`);
    } finally {
      await close(server);
    }
  });
});
