import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** GraphiQL bundled at build time into gateway/graphiql-dist, Monaco workers included: no CDN at run time. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'error',
  build: {
    outDir: fileURLToPath(new URL('../graphiql-dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 10_000,
  },
});
