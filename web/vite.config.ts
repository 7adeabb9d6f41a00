// Builds the browser UI (agent desktop, supervisor dashboard) into dist/web, which CCS serves.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    sourcemap: false,
    chunkSizeWarningLimit: 300,
  },
  server: {
    // `npx vite --config web/vite.config.ts` for UI work: API calls go to a CCS on :8080.
    proxy: { '/ui': 'http://127.0.0.1:8080', '/ops': 'http://127.0.0.1:8080', '/recordings': 'http://127.0.0.1:8080' },
  },
});
