/**
 * The build that `ccs` and `npm start` run (scripts/server-build.mjs): rebuilt when a source is
 * newer than it, and split so that the commands talking to a running CCS load none of the
 * service's packages (the reason `ccs status` starts fast).
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer, freshServerBuild, type Metafile } from '../../scripts/server-build.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccs-build-test-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Packages reached from `output` through static imports only (what loading it loads). */
function staticPackages(metafile: Metafile, output: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of metafile.outputs[file]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) packages.add(imp.path);
      else visit(imp.path);
    }
  };
  visit(output);
  return packages;
}

const outputHolding = (metafile: Metafile, source: string) => Object.keys(metafile.outputs).find((o) => !o.endsWith('.map') && source in metafile.outputs[o]!.inputs)!;

describe('server build', () => {
  it('keeps the service packages out of the command line and the commands that talk to a running CCS', async () => {
    const { entry, metafile } = await buildServer(tempDir());
    const heavy = ['fastify', 'kysely', 'pg', 'better-sqlite3', 'pino', 'prom-client', 'undici', '@sinclair/typebox'];
    const cli = relative(ROOT, entry);
    const remote = ['src/cli/commands/campaign-commands.ts', 'src/cli/commands/floor-commands.ts', 'src/cli/service-client.ts', 'src/config/client-config.ts', 'src/config/setting-names.ts'];
    for (const output of [cli, ...remote.map((source) => outputHolding(metafile, source))]) {
      const loaded = staticPackages(metafile, output);
      expect(heavy.filter((p) => loaded.has(p)), output).toEqual([]);
    }
    // The service itself is in the build, behind `serve`.
    expect(staticPackages(metafile, outputHolding(metafile, 'src/service.ts')).has('fastify')).toBe(true);
  });

  it('counts as fresh until one of its inputs changes time or size, even to an older time, or is gone', () => {
    const dir = tempDir();
    const input = join(dir, 'input.ts');
    writeFileSync(input, 'export {};\n');
    const recorded = new Date('2026-11-01T00:00:00Z');
    utimesSync(input, recorded, recorded);
    const manifest = (mtimeMs: number | null, size = 11) => writeFileSync(join(dir, 'build.json'), JSON.stringify({ builtAt: Date.now(), entry: 'cli-X.js', inputs: { [input]: [mtimeMs, size] } }));
    manifest(recorded.getTime());
    expect(freshServerBuild(dir)).toBe(join(dir, 'cli-X.js'));
    utimesSync(input, new Date(recorded.getTime() + 1000), new Date(recorded.getTime() + 1000));
    expect(freshServerBuild(dir)).toBeNull();
    utimesSync(input, new Date(recorded.getTime() - 86_400_000), new Date(recorded.getTime() - 86_400_000));
    expect(freshServerBuild(dir)).toBeNull();
    utimesSync(input, recorded, recorded);
    manifest(recorded.getTime(), 12);
    expect(freshServerBuild(dir)).toBeNull();
    manifest(null); // changed while the build ran
    expect(freshServerBuild(dir)).toBeNull();
    manifest(recorded.getTime());
    rmSync(input);
    expect(freshServerBuild(dir)).toBeNull();
  });

  it('counts as stale without a manifest', () => {
    expect(freshServerBuild(tempDir())).toBeNull();
  });
});
