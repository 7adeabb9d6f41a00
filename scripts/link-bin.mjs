// Links the project's own `ccs` command into node_modules/.bin so `npx ccs …` works in a checkout.
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

const binDir = join(process.cwd(), 'node_modules', '.bin');
const link = join(binDir, 'ccs');
if (existsSync(join(process.cwd(), 'bin', 'ccs.mjs'))) {
  mkdirSync(binDir, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(join('..', '..', 'bin', 'ccs.mjs'), link);
}
