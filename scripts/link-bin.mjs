// Links the project's own `ccs` command into node_modules/.bin so `npx ccs …` works in a checkout.
// package.json deliberately has no "bin": with one, npx treats `npx ccs` as running the checkout
// itself as a package, reads the whole node_modules tree and installs the checkout into its cache
// on every run (seconds); without one it finds this link and runs it directly.
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const binDir = join(process.cwd(), 'node_modules', '.bin');
const link = join(binDir, 'ccs');
if (existsSync(join(process.cwd(), 'bin', 'ccs.mjs'))) {
  mkdirSync(binDir, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(join('..', '..', 'bin', 'ccs.mjs'), link);
}
