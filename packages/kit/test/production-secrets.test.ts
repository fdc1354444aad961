import { describe, expect, it } from 'vitest';
import { ConfigError, commonEnv, env, loadConfig } from '../src/config.ts';
import { z } from 'zod';

const schema = z.object({ ...commonEnv, API_SECRET: env.secret('a-development-default-secret') });

describe('secrets in production', () => {
  it('keeps development defaults outside production', () => {
    const config = loadConfig(schema, { NODE_ENV: 'development' });
    expect(config.API_SECRET).toBe('a-development-default-secret');
  });

  it('refuses to start in production when a secret is unset, naming the variable', () => {
    expect(() => loadConfig(schema, { NODE_ENV: 'production', API_SECRET: 'x'.repeat(32) })).toThrow(
      /SERVICE_TOKEN_SECRET: must be set in production/,
    );
  });

  it('refuses a development default set explicitly in production', () => {
    const error = (() => {
      try {
        loadConfig(schema, {
          NODE_ENV: 'production',
          SERVICE_TOKEN_SECRET: 'y'.repeat(32),
          API_SECRET: 'a-development-default-secret',
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      'API_SECRET: must be set in production, and not to the development default',
    ]);
  });

  it('starts in production with every secret set', () => {
    const config = loadConfig(schema, {
      NODE_ENV: 'production',
      SERVICE_TOKEN_SECRET: 'y'.repeat(32),
      API_SECRET: 'z'.repeat(32),
    });
    expect(config.API_SECRET).toBe('z'.repeat(32));
  });
});
