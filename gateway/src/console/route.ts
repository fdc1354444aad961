import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { z } from 'zod';
import { ROLES, signToken } from '#kit/auth.ts';
import type { GatewayConfig } from '../config.ts';

/** Built by `npm run build:console` (Vite) from gateway/console; nothing is fetched from a CDN. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../console-dist', import.meta.url));

/**
 * One-click sign-in mints tokens for anyone who asks, so it exists only outside
 * production, and only where the gateway itself verifies HS256 tokens (no JWKS).
 */
export const devSignInEnabled = (config: GatewayConfig) =>
  config.NODE_ENV !== 'production' && !config.JWKS_URL;

const devTokenRequest = z.object({ role: z.enum(ROLES) });

/** The web console at `/`, what the page needs to know about this gateway, and the development sign-in. */
export function serveConsole(app: Express, config: GatewayConfig) {
  const devSignIn = devSignInEnabled(config);
  app.get('/console/config.json', (_req, res) => {
    res.json({ devSignIn });
  });
  app.post('/console/dev-token', express.json({ limit: '1kb' }), async (req, res) => {
    if (!devSignIn) {
      res.status(404).json({ error: 'Development sign-in is off' });
      return;
    }
    const parsed = devTokenRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: `role must be one of ${ROLES.join(', ')}` });
      return;
    }
    const { role } = parsed.data;
    res.json({ token: await signToken(config.JWT_SECRET, { sub: `console-${role}`, role }, '8h') });
  });
  app.get('/', (_req, res, next) => {
    if (existsSync(CONSOLE_DIST)) return next();
    res.status(503).type('text/plain').send('The console is not built: run `npm run build:console`.');
  });
  // Falls through for anything that is not a built file, so /graphql and the rest keep their routes.
  app.use(express.static(CONSOLE_DIST, { index: 'index.html' }));
}
