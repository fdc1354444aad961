import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '#kit/auth.ts';
import { listen, type Listening } from '#kit/http.ts';
import { TEST_JWT_SECRET } from '#kit/testing/tokens.ts';
import { loadGatewayConfig, type GatewayConfig } from '../../gateway/src/config.ts';
import { serveConsole } from '../../gateway/src/console/route.ts';

/** The console's own HTTP routes on a bare Express app: what the page learns and the development sign-in. */
describe('the console route', () => {
  let server: Listening | undefined;
  afterEach(async () => server?.close());

  const start = async (overrides: Partial<GatewayConfig>) => {
    const config = { ...loadGatewayConfig({ JWT_SECRET: TEST_JWT_SECRET }), ...overrides };
    const app = express();
    serveConsole(app, config);
    server = await listen(app, 0);
    return server.url;
  };
  const devToken = (url: string, body: unknown) =>
    fetch(`${url}/console/dev-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('mints a verifiable token per role outside production', async () => {
    const url = await start({ NODE_ENV: 'development' });
    expect(await (await fetch(`${url}/console/config.json`)).json()).toEqual({ devSignIn: true });
    const response = await devToken(url, { role: 'operator' });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const identity = await createTokenVerifier({ JWT_SECRET: TEST_JWT_SECRET, MAX_TOKEN_LIFETIME: 86_400 })(
      `Bearer ${token}`,
    );
    expect(identity).toMatchObject({ sub: 'console-operator', role: 'operator' });
  });

  it('refuses an unknown role, naming the field', async () => {
    const url = await start({ NODE_ENV: 'development' });
    const response = await devToken(url, { role: 'root' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'role must be one of viewer, operator, admin' });
  });

  it('offers no sign-in and mints nothing in production, or where tokens come from a JWKS', async () => {
    for (const overrides of [
      { NODE_ENV: 'production' as const },
      { NODE_ENV: 'development' as const, JWKS_URL: 'http://127.0.0.1:9/jwks.json' },
    ]) {
      const url = await start(overrides);
      expect(await (await fetch(`${url}/console/config.json`)).json()).toEqual({ devSignIn: false });
      const response = await devToken(url, { role: 'admin' });
      expect(response.status).toBe(404);
      expect(JSON.stringify(await response.json())).not.toMatch(/eyJ/);
      await server!.close();
      server = undefined;
    }
  });
});
