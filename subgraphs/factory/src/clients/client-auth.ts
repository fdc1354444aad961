import { ForbiddenError, UnauthenticatedError } from '#kit/errors.ts';
import type { ApiClientRepository } from './api-client.repository.ts';

export interface BasicCredentials {
  name: string;
  secret: string;
}

/** `Authorization: Basic base64(name:secret)`, or undefined when the header is not Basic. */
export function parseBasicAuth(authorization: string | undefined): BasicCredentials | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { name: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/**
 * Production requests come only from a registered client of the target
 * factory: no credentials → UNAUTHENTICATED; a bearer token (people, the
 * gateway) → FORBIDDEN; an unknown client or wrong secret → UNAUTHENTICATED
 * (the same answer for both, so client names can't be probed).
 */
export async function authenticateClient(
  authorization: string | undefined,
  clients: ApiClientRepository,
  factoryName: string,
): Promise<string> {
  if (!authorization) {
    throw new UnauthenticatedError(`Production requests need the credentials of a ${factoryName} API client`);
  }
  const credentials = parseBasicAuth(authorization);
  if (!credentials)
    throw new ForbiddenError(`Only registered API clients of ${factoryName} may submit production requests`);
  if (!(await clients.verify(credentials.name, credentials.secret))) {
    throw new UnauthenticatedError(`Unknown API client or wrong secret for ${factoryName}`);
  }
  return credentials.name;
}
