import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console bundled at build time into gateway/console-dist: no CDN at run time.
 * Each screen is its own lazy chunk (charts included), so the first screen stays small;
 * the manifest lets a test weigh what the first screen loads.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'error',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../console-dist', import.meta.url)),
    emptyOutDir: true,
    manifest: true,
    chunkSizeWarningLimit: 1_000,
  },
});
