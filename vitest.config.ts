import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node loads graphql's CommonJS build (no "exports" map); so must tests, or schemas built by
  // CommonJS packages (@apollo/subgraph, federation) fail `instanceof` checks in test-side code.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['{gateway,subgraphs,packages,scripts,test}/**/*.test.ts'],
    globalSetup: ['packages/kit/src/testing/global-setup.ts'],
    testTimeout: 30_000,
    // What a page or a service shows "soon" can take seconds on a loaded 2-core machine; 1 s (the default) is flaky.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  },
});
