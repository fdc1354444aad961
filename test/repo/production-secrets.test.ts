import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFactoryConfig } from '../../subgraphs/factory/src/config.ts';
import { loadOrdersConfig } from '../../subgraphs/orders/src/config.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const WEBHOOK_SECRETS = ['WEBHOOK_SECRET_WIDGETS', 'WEBHOOK_SECRET_GADGETS', 'WEBHOOK_SECRET_GIZMOS'];

/** Runs a service's real entry point as `docker compose` would, and gives back how it ended and what it said. */
function start(entry: string, env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      process.execPath,
      [entry],
      { cwd: root, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (error.code as number) : 0, output: stdout + stderr }),
    );
  });
}

/** The variables a start-up failure names as unset or left at a development default. */
const refusedSecrets = (output: string) =>
  [...output.matchAll(/([A-Z][A-Z0-9_]*): must be set in production/g)].map((match) => match[1]);

describe('a service started with NODE_ENV=production', () => {
  it.each([
    ['customers', 'subgraphs/customers/src/index.ts', ['SERVICE_TOKEN_SECRET']],
    ['gateway', 'gateway/src/index.ts', ['JWT_SECRET', 'SERVICE_TOKEN_SECRET']],
    [
      'orders',
      'subgraphs/orders/src/index.ts',
      ['SERVICE_TOKEN_SECRET', 'FACTORY_CLIENT_SECRET', ...WEBHOOK_SECRETS],
    ],
    [
      'factory',
      'subgraphs/factory/src/index.ts',
      ['SERVICE_TOKEN_SECRET', 'FACTORY_BOOTSTRAP_CLIENT', ...WEBHOOK_SECRETS],
    ],
  ])('%s exits non-zero naming every unset secret', async (_name, entry, secrets) => {
    const { code, output } = await start(entry, {});
    expect(code).not.toBe(0);
    expect(refusedSecrets(output)).toEqual(expect.arrayContaining(secrets));
  });

  it('refuses a development default set explicitly, a previous webhook secret included', async () => {
    const { code, output } = await start('subgraphs/orders/src/index.ts', {
      SERVICE_TOKEN_SECRET: 'a-production-service-token-secret',
      FACTORY_CLIENT_SECRET: 'factory-floor-local-orders-secret',
      WEBHOOK_SECRET_WIDGETS: 'factory-floor-local-widgets-webhook-secret',
      WEBHOOK_SECRET_GADGETS: 'a-production-gadgets-secret-0123',
      WEBHOOK_SECRET_GIZMOS: 'a-production-gizmos-secret-01234',
      WEBHOOK_SECRET_GIZMOS_PREVIOUS: 'factory-floor-local-gizmos-webhook-secret',
    });
    expect(code).not.toBe(0);
    expect(refusedSecrets(output).sort()).toEqual(
      expect.arrayContaining([
        'FACTORY_CLIENT_SECRET',
        'WEBHOOK_SECRET_GIZMOS_PREVIOUS',
        'WEBHOOK_SECRET_WIDGETS',
      ]),
    );
    expect(refusedSecrets(output)).not.toContain('WEBHOOK_SECRET_GADGETS');
  });

  it('asks a factory process only for the webhook secrets of the factories it runs', async () => {
    const { code, output } = await start('subgraphs/factory/src/index.ts', { FACTORIES: 'gizmos' });
    expect(code).not.toBe(0);
    expect(refusedSecrets(output)).toContain('WEBHOOK_SECRET_GIZMOS');
    expect(refusedSecrets(output)).not.toContain('WEBHOOK_SECRET_WIDGETS');
    expect(refusedSecrets(output)).not.toContain('WEBHOOK_SECRET_GADGETS');
  });

  it('accepts every secret set to its own value', () => {
    const secrets = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-jwt-secret-0123456789',
      SERVICE_TOKEN_SECRET: 'a-production-service-token-secret', // ignored by a config that does not read it
      WEBHOOK_SECRET_WIDGETS: 'a-production-widgets-secret-0123',
      WEBHOOK_SECRET_GADGETS: 'a-production-gadgets-secret-0123',
      WEBHOOK_SECRET_GIZMOS: 'a-production-gizmos-secret-01234',
    };
    expect(() =>
      loadOrdersConfig({ ...secrets, FACTORY_CLIENT_SECRET: 'a-production-client-secret' }),
    ).not.toThrow();
    expect(() =>
      loadFactoryConfig({ ...secrets, FACTORY_BOOTSTRAP_CLIENT: 'orders:a-production-client-secret' }),
    ).not.toThrow();
    const { WEBHOOK_SECRET_GADGETS: _gadgets, WEBHOOK_SECRET_GIZMOS: _gizmos, ...widgetsOnly } = secrets;
    expect(() =>
      loadFactoryConfig({ ...widgetsOnly, FACTORIES: 'widgets', FACTORY_BOOTSTRAP_CLIENT: 'off' }),
    ).not.toThrow();
  });
});
