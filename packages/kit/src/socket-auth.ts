/** graphql-ws close codes for refused or ended authentication (documented in docs/security.md). */
export const WS_UNAUTHORIZED = 4401;
export const WS_FORBIDDEN = 4403;

interface ClosableSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

// setTimeout overflows past ~24.8 days; MAX_TOKEN_LIFETIME keeps tokens well inside that.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes `socket` with 4401 when the token that opened it expires
 * (`expiresAt`, seconds since the epoch): a socket lives no longer than its proof.
 */
export function closeWhenExpired(socket: ClosableSocket, expiresAt: number): void {
  const remainingMs = expiresAt * 1000 - Date.now();
  if (remainingMs <= 0) {
    socket.close(WS_UNAUTHORIZED, 'The token expired');
    return;
  }
  const timer = setTimeout(
    () => socket.close(WS_UNAUTHORIZED, 'The token expired'),
    Math.min(remainingMs, MAX_TIMER_MS),
  );
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}
