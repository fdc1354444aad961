import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { backoffDelay } from '#kit/backoff.ts';
import type { Logger } from '#kit/logger.ts';
import type { GatewayContext } from '../context.ts';

export interface UpstreamPoolOptions {
  /** connection_init of an upstream socket, for the caller whose token lasts longest among its users. */
  connectionParams: (context: GatewayContext, subgraph: string) => Promise<Record<string, unknown>>;
  retryBaseMs: number;
  retryMaxMs: number;
  logger: Logger;
}

/** One user of a shared socket: a subscription group, and whose credential it stands for. */
export interface UpstreamLease {
  /** Only subscribing is the hub's business (a stand-in for tests needs no more). */
  client: Pick<Client, 'subscribe'>;
  /** Whether the shared socket is connected (acknowledged) now. */
  connected(): boolean;
  release(): void;
}

interface Entry {
  client: Client;
  connected: boolean;
  users: Set<{ context: () => GatewayContext }>;
  /** The latest user's context: a socket may finish opening just as its last user leaves (it is disposed then). */
  latest: () => GatewayContext;
}

const toWebSocketUrl = (url: string) => url.replace(/^http/, 'ws');

/**
 * One graphql-ws socket per subgraph and credential (the identity the gateway
 * signs), carrying every subscription of that caller to that subgraph, as Hive
 * Gateway does: not a socket per operation and variable set. A dropped socket
 * is reconnected with capped exponential backoff and jitter, and graphql-ws
 * subscribes each of its operations again, so clients see a gap, not an end.
 */
export interface UpstreamPool {
  /** A lease on the socket to `subgraph` at `url` for this credential (`key`: whose identity). */
  acquire(key: string, url: string, subgraph: string, context: () => GatewayContext): UpstreamLease;
  /** Upstream sockets currently held (open or reconnecting). */
  readonly size: number;
}

export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const entries = new Map<string, Entry>();

  const open = (key: string, url: string, subgraph: string, context: () => GatewayContext): Entry => {
    const log = options.logger.child({ upstream: url });
    const entry: Entry = { connected: false, users: new Set(), client: undefined as never, latest: context };
    // Whoever of its users holds the longest-lasting token: the socket lives as long as someone may use it.
    const longest = () => {
      const contexts = [...entry.users].map((user) => user.context());
      if (contexts.length === 0) return entry.latest();
      return contexts.reduce((best, context) =>
        context.identity.expiresAt > best.identity.expiresAt ? context : best,
      );
    };
    entry.client = createClient({
      url: toWebSocketUrl(url),
      webSocketImpl: WebSocket,
      connectionParams: () => options.connectionParams(longest(), subgraph),
      lazy: true,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Any drop is worth retrying except the fatal codes graphql-ws refuses to retry (e.g. 4401).
      shouldRetry: () => true,
      retryWait: async (retries) => {
        const delay = backoffDelay(retries, {
          baseMs: options.retryBaseMs,
          maxMs: options.retryMaxMs,
          jitter: 'equal',
        });
        await new Promise((resolve) => setTimeout(resolve, delay));
      },
      on: {
        connected: () => {
          log.debug('upstream socket connected');
          entry.connected = true;
        },
        closed: (event) => {
          log.debug({ code: (event as { code?: number }).code }, 'upstream socket closed');
          entry.connected = false;
        },
      },
    });
    entries.set(key, entry);
    return entry;
  };

  return {
    acquire(key, url, subgraph, context) {
      const entryKey = JSON.stringify([url, key]);
      const entry = entries.get(entryKey) ?? open(entryKey, url, subgraph, context);
      const user = { context };
      entry.users.add(user);
      entry.latest = context;
      return {
        client: entry.client,
        connected: () => entry.connected,
        release: () => {
          if (!entry.users.delete(user) || entry.users.size > 0) return;
          entries.delete(entryKey);
          void entry.client.dispose();
        },
      };
    },
    get size() {
      return entries.size;
    },
  };
}
