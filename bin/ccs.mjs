#!/usr/bin/env node
// The `ccs` command. Runs the compiled sources in dist/server, compiling them first when a
// source file changed since the last build (scripts/server-build.mjs).
import module from 'node:module';
import { buildFailure, ensureServerBuild } from '../scripts/server-build.mjs';

// Node 22.1+ keeps compiled code of the modules between runs; older Node lines skip this.
module.enableCompileCache?.();
let entry;
try {
  entry = await ensureServerBuild();
} catch (error) {
  process.stderr.write(`ccs: ${buildFailure(error)}\n`);
  process.exit(1);
}
// `ccs attempts 7 | head` closes the pipe early: stop quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
// Stack traces in the service's logs name the TypeScript sources.
process.setSourceMapsEnabled(true);
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
