/**
 * A pooled keep-alive socket the other side closed while it sat idle fails
 * the next request written on it with a reset, before any answer. A fresh
 * connection succeeds, so such a failure of a read is worth trying again at
 * once; a write (a mutation) is not retried, since it may have arrived.
 */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export function isStaleConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && STALE_CODES.has(code)) return true;
    if (typeof message === 'string' && /socket hang up|other side closed/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs `attempt`, again (up to `attempts` times in all) while it fails on a stale connection. */
export async function retryOnStaleConnection<T>(attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= attempts || !isStaleConnectionError(error)) throw error;
    }
  }
}
