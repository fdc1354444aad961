import { SignJWT } from 'jose';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';

export const CREDENTIALS = [
  'no token',
  'viewer',
  'operator',
  'admin',
  'expired',
  'forged',
  'alg none',
  'wrong audience',
  'over-long lifetime',
] as const;
export type Credential = (typeof CREDENTIALS)[number];
export const ROLE_CREDENTIALS = ['viewer', 'operator', 'admin'] as const;

const key = (secret: string) => new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);

/** An unsigned JWT (`alg: none`): header and claims, empty signature. */
const unsigned = (claims: Record<string, unknown>) =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
    JSON.stringify(claims),
  ).toString('base64url')}.`;

interface Shape {
  secret: string;
  issuer?: string;
  audience: string;
}

/** A token of `shape` with one defect (or none, for the role credentials). */
async function tokenFor(credential: Exclude<Credential, 'no token'>, shape: Shape) {
  const role = (ROLE_CREDENTIALS as readonly string[]).includes(credential) ? credential : 'admin';
  const sub = `matrix-${credential.replaceAll(' ', '-')}`;
  const build = (iat: number, exp: number, audience = shape.audience) => {
    const jwt = new SignJWT({ role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp);
    return shape.issuer ? jwt.setIssuer(shape.issuer) : jwt;
  };
  switch (credential) {
    case 'expired':
      return build(now() - 7200, now() - 3600).sign(key(shape.secret));
    case 'forged':
      return build(now(), now() + 600).sign(key('not-the-key-of-anyone-0123456789abcdef'));
    case 'alg none':
      return unsigned({
        role,
        sub,
        aud: shape.audience,
        ...(shape.issuer ? { iss: shape.issuer } : {}),
        iat: now(),
        exp: now() + 600,
      });
    case 'wrong audience':
      return build(now(), now() + 600, 'someone-else').sign(key(shape.secret));
    case 'over-long lifetime':
      return build(now(), now() + 100 * 365 * 86400).sign(key(shape.secret));
    default:
      return build(now(), now() + 600).sign(key(shape.secret));
  }
}

/** What a caller sends the gateway: `Authorization: Bearer <user token>`. */
export async function gatewayHeaders(credential: Credential): Promise<Record<string, string>> {
  if (credential === 'no token') return {};
  const token = await tokenFor(credential, { secret: TEST_JWT_SECRET, audience: 'factory-floor' });
  return { authorization: `Bearer ${token}` };
}

/**
 * What an attacker sends a subgraph directly: a user's own valid token (the
 * role credentials) as a bearer, or a gateway identity with one defect in
 * the gateway's header. Every one of them must be refused.
 */
export async function subgraphHeaders(
  credential: Credential,
  subgraph: string,
): Promise<Record<string, string>> {
  if (credential === 'no token') return {};
  if ((ROLE_CREDENTIALS as readonly string[]).includes(credential)) return gatewayHeaders(credential);
  const identity = await tokenFor(credential, {
    secret: TEST_SERVICE_TOKEN_SECRET,
    issuer: 'factory-floor-gateway',
    audience: subgraph,
  });
  return { 'x-gateway-identity': identity };
}

/** The same, as graphql-ws connection parameters. */
export const asConnectionParams = (headers: Record<string, string>): Record<string, unknown> =>
  headers['x-gateway-identity']
    ? { identity: headers['x-gateway-identity'] }
    : headers.authorization
      ? { authorization: headers.authorization }
      : {};
