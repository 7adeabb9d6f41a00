// The compiled service in dist/server: `ccs` and `npm start` run it instead of compiling the
// TypeScript sources at every start. `ensureServerBuild()` rebuilds when a source file changed
// since the last build; the check itself is one small JSON read and one stat per source file.
//
// Layout: dist/server/build.json names the entry file and lists the build's inputs with their
// modification times and sizes. Every other file has a content hash in its name and is written
// once, then renamed into place, and build.json is replaced last: processes starting while
// another one rebuilds (parallel tests, two terminals) never see a half-written build. Files no
// build has used for a while are removed.
//
// `node scripts/server-build.mjs` builds unconditionally.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
// Two levels below the root, like src/<dir>/: src/web/web-ui.ts finds dist/web as ../../dist/web.
const OUT_DIR = join(ROOT, 'dist', 'server');
const MANIFEST = 'build.json';
const KEEP_UNUSED_MS = 10 * 60_000;

/**
 * The entry file of the build in `outDir` when none of its inputs changed since, or null. An
 * input counts as changed when its modification time or size differs from the build's record
 * (not only when it is newer: a file put back from a copy keeps its old time).
 */
export function freshServerBuild(outDir = OUT_DIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  try {
    for (const [input, [mtimeMs, size]] of Object.entries(manifest.inputs)) {
      const stat = statSync(resolve(ROOT, input));
      if (stat.mtimeMs !== mtimeMs || stat.size !== size) return null;
    }
  } catch {
    return null; // an input was removed or renamed, or the manifest is from another version
  }
  return join(outDir, manifest.entry);
}

/** Compiles src/cli/main.ts and what it imports into `outDir`; returns the entry file and esbuild's metafile. */
export async function buildServer(outDir = OUT_DIR) {
  const esbuild = await import('esbuild');
  const builtAt = Date.now();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: outDir,
    bundle: true,
    // Lazy `await import()` stays lazy: each command loads only its own chunks.
    splitting: true,
    format: 'esm',
    platform: 'node',
    // The oldest Node line a checkout may run on: one build serves every Node it is started with.
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  mkdirSync(outDir, { recursive: true });
  const names = new Set([MANIFEST]);
  for (const file of result.outputFiles) {
    names.add(relative(outDir, file.path));
    if (existsSync(file.path)) {
      utimesSync(file.path, new Date(), new Date()); // same hash, same content: mark it used
      continue;
    }
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint === 'src/cli/main.ts')?.[0];
  if (!entry) throw new Error('the build produced no entry for src/cli/main.ts');
  // Each input's time and size as the build found it; one changed while it ran is recorded as
  // unknown (null), so the next start builds again.
  const inputs = {};
  for (const input of [...Object.keys(result.metafile.inputs), 'tsconfig.json', 'package.json', relative(ROOT, SELF)]) {
    const stat = statSync(resolve(ROOT, input));
    inputs[input] = [stat.mtimeMs >= builtAt ? null : stat.mtimeMs, stat.size];
  }
  const manifest = { builtAt, entry: relative(outDir, join(ROOT, entry)), inputs };
  const temp = join(outDir, `${MANIFEST}.${process.pid}.tmp`);
  writeFileSync(temp, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temp, join(outDir, MANIFEST));
  for (const name of readdirSync(outDir)) {
    if (names.has(name)) continue;
    const path = join(outDir, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > KEEP_UNUSED_MS) rmSync(path, { force: true });
    } catch {
      /* removed by another build */
    }
  }
  return { entry: join(outDir, manifest.entry), metafile: result.metafile };
}

/** The entry file of an up-to-date build, building first when needed. */
export async function ensureServerBuild() {
  return freshServerBuild() ?? (await buildServer()).entry;
}

/** One readable line for a failed build (esbuild lists every error with file and line). */
export function buildFailure(error) {
  const first = error?.errors?.[0];
  if (first) {
    const at = first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
    return `cannot compile CCS: ${at}${first.text}${error.errors.length > 1 ? ` (and ${error.errors.length - 1} more)` : ''}`;
  }
  if (error?.code === 'ERR_MODULE_NOT_FOUND') return 'cannot compile CCS: esbuild is not installed; run `npm install`';
  return `cannot compile CCS: ${error?.message ?? String(error)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  try {
    const { entry } = await buildServer();
    process.stdout.write(`compiled CCS into ${relative(ROOT, entry)} in ${Date.now() - started} ms\n`);
  } catch (error) {
    process.stderr.write(`${buildFailure(error)}\n`);
    process.exit(1);
  }
}
