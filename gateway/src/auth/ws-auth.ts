import { decodeJwt } from 'jose';
import type { WebSocket } from 'ws';
import { ROLES, type Identity, type Role, type TokenVerifier } from '#kit/auth.ts';
import { DomainError } from '#kit/errors.ts';

/** WebSocket close codes of the graphql-ws protocol for refused connections. */
export const WS_UNAUTHORIZED = 4401;
export const WS_FORBIDDEN = 4403;

export interface SocketIdentity {
  identity: Identity;
  authorization: string;
}

/** `connectionParams.authorization` (any letter case, as GraphiQL's header editor may send it). */
export const authorizationParam = (params: Readonly<Record<string, unknown>> | undefined) => {
  const entry = Object.entries(params ?? {}).find(([key]) => key.toLowerCase() === 'authorization');
  return typeof entry?.[1] === 'string' ? entry[1] : '';
};

/**
 * Verifies the token sent in `connection_init`; closes the socket with 4401
 * (no, bad or expired token) or 4403 (role below `minRole`) and returns null
 * when refused. The socket is closed with 4401 again when the token expires.
 */
export async function authenticateSocket(
  socket: WebSocket,
  params: Readonly<Record<string, unknown>> | undefined,
  verifyToken: TokenVerifier,
  minRole: Role,
): Promise<SocketIdentity | null> {
  const authorization = authorizationParam(params);
  let identity: Identity;
  try {
    identity = await verifyToken(authorization);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    socket.close(WS_UNAUTHORIZED, error.message);
    return null;
  }
  if (ROLES.indexOf(identity.role) < ROLES.indexOf(minRole)) {
    socket.close(WS_FORBIDDEN, `Forbidden: subscriptions need the ${minRole} role`);
    return null;
  }
  const remainingMs = (decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp ?? 0) * 1000 - Date.now();
  // setTimeout overflows past ~24.8 days; such long-lived sockets are closed at reconnect instead.
  if (remainingMs < 2 ** 31 - 1) {
    const timer = setTimeout(() => socket.close(WS_UNAUTHORIZED, 'The bearer token expired'), remainingMs);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }
  return { identity, authorization };
}
