import type { WebSocket } from 'ws';
import { ROLES, type Role, type TokenVerifier, type VerifiedIdentity } from '#kit/auth.ts';
import { DomainError } from '#kit/errors.ts';
import { closeWhenExpired, WS_FORBIDDEN, WS_UNAUTHORIZED } from '#kit/socket-auth.ts';

export { WS_FORBIDDEN, WS_UNAUTHORIZED };

export interface SocketIdentity {
  identity: VerifiedIdentity;
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
  let identity: VerifiedIdentity;
  try {
    identity = await verifyToken(authorizationParam(params));
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    socket.close(WS_UNAUTHORIZED, error.message);
    return null;
  }
  if (ROLES.indexOf(identity.role) < ROLES.indexOf(minRole)) {
    socket.close(WS_FORBIDDEN, `Forbidden: subscriptions need the ${minRole} role`);
    return null;
  }
  closeWhenExpired(socket, identity.expiresAt);
  return { identity };
}
