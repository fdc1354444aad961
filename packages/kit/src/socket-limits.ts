import type { GraphQLError } from 'graphql';
import { limitError } from './operation-limits.ts';

/** Close codes of the WebSocket limits (documented in docs/security.md). */
export const WS_MESSAGE_TOO_BIG = 1009;
export const WS_TOO_MANY_CONNECTIONS = 4429;

export interface SocketLimitSettings {
  /** Bytes: a larger message closes the socket with 1009 before it is parsed. */
  WS_MAX_PAYLOAD: number;
  /** Operations open at once on one socket; one more is refused with SUBSCRIPTION_LIMIT_EXCEEDED. */
  WS_MAX_SUBSCRIPTIONS: number;
  /** Sockets open at once for one identity (`sub`); one more is closed with 4429. */
  WS_MAX_CONNECTIONS_PER_IDENTITY: number;
}

interface CountedSocket {
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Counts open sockets per identity; `admit` closes one too many with 4429. */
export function createConnectionCounter(max: number) {
  const open = new Map<string, number>();
  return {
    admit(socket: CountedSocket, sub: string): boolean {
      const count = open.get(sub) ?? 0;
      if (count >= max) {
        socket.close(WS_TOO_MANY_CONNECTIONS, `Too many connections: at most ${max} per identity`);
        return false;
      }
      open.set(sub, count + 1);
      socket.once('close', () => {
        const left = (open.get(sub) ?? 1) - 1;
        if (left > 0) open.set(sub, left);
        else open.delete(sub);
      });
      return true;
    },
    /** Open sockets of `sub` (for tests and diagnostics). */
    count: (sub: string) => open.get(sub) ?? 0,
  };
}

/**
 * graphql-ws records an operation in `ctx.subscriptions` before onSubscribe
 * runs, so the new one is already counted.
 */
export function checkSubscriptionCount(subscriptions: object, max: number): GraphQLError | null {
  const count = Object.keys(subscriptions).length;
  return count > max
    ? limitError(
        'SUBSCRIPTION_LIMIT_EXCEEDED',
        `Subscription limit of ${max} per connection exceeded: complete one before starting another.`,
      )
    : null;
}
