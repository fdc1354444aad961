import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ForbiddenError, UnauthenticatedError } from './errors.ts';

/** Caller roles, weakest first: a role may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A caller whose bearer token was verified. */
export interface Identity {
  sub: string;
  role: Role;
}

/** A verified caller and when the token that proved it expires (seconds since the epoch). */
export interface VerifiedIdentity extends Identity {
  expiresAt: number;
}

/** The audience a user's token must name unless JWT_AUDIENCE says otherwise. */
export const DEFAULT_USER_AUDIENCE = 'factory-floor';

export interface TokenSettings {
  JWT_SECRET: string;
  JWKS_URL?: string | undefined;
  JWT_AUDIENCE?: string | undefined;
  /** Seconds; a token whose `exp - iat` is longer is refused. */
  MAX_TOKEN_LIFETIME: number;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<VerifiedIdentity>;

/** The bearer token of an `Authorization` header, or undefined. */
export const bearerToken = (authorization: string | undefined) =>
  /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];

/** Why a token was refused, in words a caller can act on. */
const refusal = (error: unknown) =>
  (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';

/** `role` must be one of ROLES and `exp - iat` at most `maxLifetime` seconds. */
export function identityOf(payload: JWTPayload, maxLifetime: number, what: string): VerifiedIdentity {
  if (payload.exp! - payload.iat! > maxLifetime) {
    throw new UnauthenticatedError(`The ${what} lives longer than the maximum of ${maxLifetime} s`);
  }
  const role = payload.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new UnauthenticatedError(`The ${what} has no valid role claim`);
  }
  return { sub: payload.sub!, role: role as Role, expiresAt: payload.exp! };
}

/**
 * Verifies a user's `Authorization: Bearer <JWT>` (HS256 with the shared
 * secret, or RS256/ES256 from a JWKS URL): audience, expiry and a lifetime
 * no longer than MAX_TOKEN_LIFETIME. Only the gateway does this.
 */
export function createTokenVerifier(settings: TokenSettings): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey = settings.JWKS_URL
    ? createRemoteJWKSet(new URL(settings.JWKS_URL))
    : new TextEncoder().encode(settings.JWT_SECRET);
  const algorithms = settings.JWKS_URL ? ['RS256', 'ES256'] : ['HS256'];

  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) throw new UnauthenticatedError();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        audience: settings.JWT_AUDIENCE ?? DEFAULT_USER_AUDIENCE,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (error) {
      throw new UnauthenticatedError(`The bearer token is ${refusal(error)}`);
    }
    return identityOf(payload, settings.MAX_TOKEN_LIFETIME, 'bearer token');
  };
}

/** Mints a user's HS256 token (audience `factory-floor`): for `npm run token`, benchmarks and tests. */
export async function signToken(
  secret: string,
  identity: Identity,
  expiresIn: string | number = '1h',
): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.sub)
    .setAudience(DEFAULT_USER_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** Throws unless the caller holds `role` or a stronger one. */
export function requireRole(identity: Identity | undefined, role: Role): Identity {
  if (!identity) throw new UnauthenticatedError();
  if (ROLES.indexOf(identity.role) < ROLES.indexOf(role)) {
    throw new ForbiddenError(`This operation needs the ${role} role; you are ${identity.role}`);
  }
  return identity;
}

export { refusal as tokenRefusal };
