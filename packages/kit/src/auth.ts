import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { ForbiddenError, UnauthenticatedError } from './errors.ts';

/** Caller roles, weakest first: a role may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** A caller whose bearer token was verified. */
export interface Identity {
  sub: string;
  role: Role;
}

export interface TokenSettings {
  JWT_SECRET: string;
  JWKS_URL?: string | undefined;
}

export type TokenVerifier = (authorization: string | undefined) => Promise<Identity>;

/**
 * Verifies `Authorization: Bearer <JWT>` (HS256 with the shared secret, or
 * RS256/ES256 from a JWKS URL) and returns who is calling.
 */
export function createTokenVerifier(settings: TokenSettings): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey = settings.JWKS_URL
    ? createRemoteJWKSet(new URL(settings.JWKS_URL))
    : new TextEncoder().encode(settings.JWT_SECRET);
  const algorithms = settings.JWKS_URL ? ['RS256', 'ES256'] : ['HS256'];

  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new UnauthenticatedError();
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      const reason = (error as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';
      throw new UnauthenticatedError(`The bearer token is ${reason}`);
    }
    const role = payload.role;
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      throw new UnauthenticatedError('The bearer token has no valid role claim');
    }
    return { sub: payload.sub!, role: role as Role };
  };
}

/** Mints an HS256 token: for `npm run token`, service-to-service calls and tests. */
export async function signToken(
  secret: string,
  identity: Identity,
  expiresIn: string | number = '1h',
): Promise<string> {
  return new SignJWT({ role: identity.role })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(identity.sub)
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
