import { randomBytes } from 'node:crypto';

const secret = () => randomBytes(24).toString('base64url');

/**
 * Fresh secrets for a benchmark's services, which run with NODE_ENV=production
 * (as deployed) and so refuse the development defaults.
 */
export function benchSecrets() {
  const factoryClientSecret = secret();
  return {
    JWT_SECRET: secret(),
    SERVICE_TOKEN_SECRET: secret(),
    FACTORY_CLIENT_NAME: 'orders',
    FACTORY_CLIENT_SECRET: factoryClientSecret,
    FACTORY_BOOTSTRAP_CLIENT: `orders:${factoryClientSecret}`,
    WEBHOOK_SECRET_WIDGETS: secret(),
    WEBHOOK_SECRET_GADGETS: secret(),
    WEBHOOK_SECRET_GIZMOS: secret(),
  };
}
