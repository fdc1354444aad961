import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{gateway,subgraphs,packages,scripts,test}/**/*.test.ts'],
    globalSetup: ['packages/kit/src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    env: { LOG_LEVEL: 'silent', NODE_ENV: 'test', APOLLO_TELEMETRY_DISABLED: '1' },
  },
});
