// Builds the web UI (dist/web) when it is missing or older than web/, so `npm start` serves
// the current pages. Without Vite (a production install without dev dependencies) it only
// warns: CCS then answers the pages with instructions, and the API works as usual.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = join(root, 'dist', 'web', 'index.html');

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return t;
}

if (existsSync(index) && (!existsSync(join(root, 'web')) || statSync(index).mtimeMs >= newest(join(root, 'web')))) process.exit(0);
let vite;
try {
  vite = await import('vite');
} catch {
  process.stderr.write('web UI not built and Vite is not installed: run `npm install` then `npm run build:web`\n');
  process.exit(0);
}
await vite.build({ configFile: join(root, 'web', 'vite.config.ts'), logLevel: 'warn' });
process.stdout.write('web UI built into dist/web\n');
