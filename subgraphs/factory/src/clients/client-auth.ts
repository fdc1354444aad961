import { ForbiddenError, UnauthenticatedError } from '#kit/errors.ts';
import type { FactoryId } from '../factory/factories.ts';
import type { ApiClientRepository } from './api-client.repository.ts';

export interface BasicCredentials {
  name: string;
  secret: string;
}

/** An API client whose Basic credentials the HTTP edge verified (see basic-auth.middleware.ts). */
export interface VerifiedClient extends BasicCredentials {
  /** The factories whose client registry accepted the credentials so far. */
  factories: Set<FactoryId>;
}

/** `Authorization: Basic base64(name:secret)`, or undefined when the header is not Basic or is malformed. */
export function parseBasicAuth(authorization: string | undefined): BasicCredentials | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { name: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export const isBasicScheme = (authorization: string | undefined) => /^Basic(\s|$)/i.test(authorization ?? '');

/**
 * Production requests come only from a registered client of the target
 * factory: no credentials → UNAUTHENTICATED; a bearer token (people, the
 * gateway) → FORBIDDEN; a client the edge verified at another factory but
 * unknown here, or with another secret here → UNAUTHENTICATED.
 */
export async function authenticateClient(
  context: { authorization: string | undefined; client: VerifiedClient | undefined },
  unit: { id: FactoryId; name: string; clients: ApiClientRepository },
): Promise<string> {
  if (!context.authorization) {
    throw new UnauthenticatedError(`Production requests need the credentials of a ${unit.name} API client`);
  }
  const client = context.client;
  if (!client)
    throw new ForbiddenError(`Only registered API clients of ${unit.name} may submit production requests`);
  if (client.factories.has(unit.id)) return client.name;
  if (!(await unit.clients.verify(client.name, client.secret))) {
    throw new UnauthenticatedError(`Unknown API client or wrong secret for ${unit.name}`);
  }
  client.factories.add(unit.id);
  return client.name;
}
