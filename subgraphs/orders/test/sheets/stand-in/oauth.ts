import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export const GOOGLE_TOKEN_AUDIENCE = 'https://oauth2.googleapis.com/token';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export class OAuthError extends Error {
  readonly error: string;

  constructor(error: string, description: string) {
    super(description);
    this.error = error;
  }
}

const decode = (part: string) =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;

/**
 * Google's token endpoint for the JWT-bearer grant: the assertion must be an
 * RS256 JWT signed by a known service account's key, for Google's token
 * audience, unexpired, at most an hour long, with a scope.
 */
export class OAuthStandIn {
  readonly #keys = new Map<string, KeyObject>();
  readonly tokens = new Map<string, { email: string; scopes: string[]; expiresAt: number }>();

  addServiceAccount(email: string, publicKeyPem: string) {
    this.#keys.set(email, createPublicKey(publicKeyPem));
  }

  grant(form: URLSearchParams, now = Date.now()) {
    if (form.get('grant_type') !== JWT_BEARER)
      throw new OAuthError('unsupported_grant_type', 'Invalid grant_type');
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) throw new OAuthError('invalid_request', 'Invalid JWT: malformed assertion');
    const [header, payload, signature] = parts as [string, string, string];
    let head: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      head = decode(header);
      claims = decode(payload);
    } catch {
      throw new OAuthError('invalid_request', 'Invalid JWT: not base64url JSON');
    }
    if (head.alg !== 'RS256') throw new OAuthError('invalid_grant', 'Invalid JWT: alg must be RS256');
    const key = this.#keys.get(String(claims.iss));
    if (!key) throw new OAuthError('invalid_grant', 'Invalid JWT: unknown issuer (service account)');
    const signed = verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      key,
      Buffer.from(signature, 'base64url'),
    );
    if (!signed) throw new OAuthError('invalid_grant', 'Invalid JWT Signature.');
    if (claims.aud !== GOOGLE_TOKEN_AUDIENCE)
      throw new OAuthError('invalid_grant', 'Invalid JWT: Failed audience check.');
    const seconds = Math.floor(now / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (!(iat <= seconds + 60 && exp > seconds && exp - iat <= 3600)) {
      throw new OAuthError(
        'invalid_grant',
        'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.',
      );
    }
    const scopes = String(claims.scope ?? '')
      .split(' ')
      .filter(Boolean);
    if (scopes.length === 0)
      throw new OAuthError('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const token = `ya29.stand-in.${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, { email: String(claims.iss), scopes, expiresAt: now + 3599_000 });
    return { access_token: token, expires_in: 3599, token_type: 'Bearer' };
  }

  /** The bearer check every Sheets call gets; returns the HTTP status to refuse with, if any. */
  check(authorization: string | undefined, scope: string, now = Date.now()): 401 | 403 | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    const token = match ? this.tokens.get(match[1]!) : undefined;
    if (!token || token.expiresAt <= now) return 401;
    return token.scopes.includes(scope) ? undefined : 403;
  }
}
