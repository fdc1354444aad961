import { jwtVerify, SignJWT } from 'jose';
import { bearerToken, identityOf, tokenRefusal, type Identity, type VerifiedIdentity } from './auth.ts';
import { UnauthenticatedError } from './errors.ts';
import { verifiedCache } from './verified-cache.ts';

/** Who signs the identity a subgraph trusts, and the header it travels in. */
export const GATEWAY_ISSUER = 'factory-floor-gateway';
export const IDENTITY_HEADER = 'x-gateway-identity';
/** Issuer of the credentials one service presents to another (orders at customers). */
export const SERVICE_ISSUER = 'factory-floor-service';

/** An identity covers one subgraph request, so a minute is plenty and a stolen one is soon useless. */
export const IDENTITY_LIFETIME_S = 60;
export const SERVICE_TOKEN_LIFETIME_S = 300;
/** Anything signed with SERVICE_TOKEN_SECRET claiming a longer life was not signed by us. */
const MAX_SIGNED_LIFETIME_S = 600;

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/**
 * The gateway's word for who is calling, for one subgraph (`audience`). A
 * WebSocket's identity also carries `session_exp`, when the user's own token
 * expires: the subgraph closes the socket then.
 */
export async function signGatewayIdentity(
  secret: string,
  identity: Identity,
  audience: string | string[],
  sessionExpiresAt?: number,
): Promise<string> {
  return new SignJWT({ role: identity.role, ...(sessionExpiresAt ? { session_exp: sessionExpiresAt } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(GATEWAY_ISSUER)
    .setAudience(audience)
    .setSubject(identity.sub)
    .setIssuedAt()
    .setExpirationTime(`${IDENTITY_LIFETIME_S}s`)
    .sign(keyOf(secret));
}

/** A named service's credential at another service (`audience`); it may read (viewer), nothing more. */
export async function signServiceToken(secret: string, service: string, audience: string): Promise<string> {
  return new SignJWT({ role: 'viewer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(SERVICE_ISSUER)
    .setAudience(audience)
    .setSubject(service)
    .setIssuedAt()
    .setExpirationTime(`${SERVICE_TOKEN_LIFETIME_S}s`)
    .sign(keyOf(secret));
}

/** A verified caller of a subgraph; `sessionExpiresAt` only for gateway identities that carry one. */
export interface SubgraphCaller extends VerifiedIdentity {
  sessionExpiresAt?: number | undefined;
}

export interface SubgraphVerifier {
  /** An identity the gateway signed for this subgraph (the `x-gateway-identity` header or a WebSocket's). */
  identity(token: string | undefined): Promise<SubgraphCaller>;
  /** `Authorization: Bearer` holding a token of one of the named services. */
  service(authorization: string | undefined): Promise<SubgraphCaller>;
  /** The gateway identity if one is sent, else a service token: a user's own token never passes. */
  request(headers: {
    identity?: string | undefined;
    authorization?: string | undefined;
  }): Promise<SubgraphCaller>;
}

/**
 * What a subgraph accepts: an identity the gateway signed for it, or the
 * token of a service it names in `services`. Both are HS256 with
 * SERVICE_TOKEN_SECRET, bound to this subgraph by audience.
 */
export function createSubgraphVerifier(options: {
  secret: string;
  /** SERVICE_TOKEN_SECRET_PREVIOUS: accepted too while a rotation is under way. */
  previousSecret?: string | undefined;
  audience: string;
  services?: readonly string[];
}): SubgraphVerifier {
  const keys = [options.secret, options.previousSecret].filter((secret) => secret !== undefined).map(keyOf);
  const check = async (token: string, issuer: string) => {
    const rules = {
      algorithms: ['HS256'],
      issuer,
      audience: options.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    };
    try {
      return await jwtVerify(token, keys[0]!, rules);
    } catch (error) {
      const badSignature = (error as { code?: string }).code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED';
      if (!badSignature || keys.length < 2) throw error;
      return jwtVerify(token, keys[1]!, rules);
    }
  };
  // The gateway reuses an identity for 30 s and a service its token for minutes: an HMAC check per
  // request would verify the same bytes again.
  const verified = verifiedCache<SubgraphCaller>();
  const verify = async (token: string | undefined, issuer: string, what: string) => {
    if (!token) throw new UnauthenticatedError(`A ${what} is required`);
    const key = `${issuer} ${token}`;
    const known = verified.get(key);
    if (known) return { ...known };
    try {
      const { payload } = await check(token, issuer);
      const caller: SubgraphCaller = identityOf(payload, MAX_SIGNED_LIFETIME_S, what);
      if (typeof payload.session_exp === 'number') caller.sessionExpiresAt = payload.session_exp;
      verified.remember(key, { ...caller });
      return caller;
    } catch (error) {
      if (error instanceof UnauthenticatedError) throw error;
      throw new UnauthenticatedError(`The ${what} is ${tokenRefusal(error)}`);
    }
  };
  const identity = (token: string | undefined) => verify(token, GATEWAY_ISSUER, 'gateway identity');
  const service = async (authorization: string | undefined) => {
    const caller = await verify(bearerToken(authorization), SERVICE_ISSUER, 'service token');
    if (!(options.services ?? []).includes(caller.sub)) {
      throw new UnauthenticatedError(`The service ${caller.sub} may not call ${options.audience}`);
    }
    return { ...caller, sub: `service:${caller.sub}` };
  };
  return {
    identity,
    service,
    request: async ({ identity: token, authorization }) => {
      if (token) return identity(token);
      if (bearerToken(authorization)) return service(authorization);
      throw new UnauthenticatedError(
        `${options.audience} answers only the gateway (${IDENTITY_HEADER}) or a named service`,
      );
    },
  };
}
