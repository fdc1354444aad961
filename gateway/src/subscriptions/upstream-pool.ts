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
  /** How long before the connecting caller's session ends the socket reconnects as a user who outlasts it. */
  renewBeforeMs?: number;
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
  /** Whose identity the socket connected with: the subgraph closes it when that session ends. */
  as?: GatewayContext;
  renewal?: NodeJS.Timeout;
  /** A reconnect of our own making (renew): at once, without backoff. */
  renewing: boolean;
}

// setTimeout's longest delay (about 24.8 days).
const MAX_DELAY_MS = 2 ** 31 - 1;

const toWebSocketUrl = (url: string) => url.replace(/^http/, 'ws');

/**
 * One graphql-ws socket per subgraph and credential (the identity the gateway
 * signs), carrying every subscription of that caller to that subgraph, as Hive
 * Gateway does: not a socket per operation and variable set. A dropped socket
 * is reconnected with capped exponential backoff and jitter, and graphql-ws
 * subscribes each of its operations again, so clients see a gap, not an end.
 * The subgraph closes a socket when the session it connected with ends (4401,
 * which graphql-ws does not retry): shortly before, if another of its users
 * outlasts that session, the socket reconnects as them.
 */
export interface UpstreamPool {
  /** A lease on the socket to `subgraph` at `url` for this credential (`key`: whose identity). */
  acquire(key: string, url: string, subgraph: string, context: () => GatewayContext): UpstreamLease;
  /** Upstream sockets currently held (open or reconnecting). */
  readonly size: number;
}

export function createUpstreamPool(options: UpstreamPoolOptions): UpstreamPool {
  const entries = new Map<string, Entry>();
  const renewBeforeMs = options.renewBeforeMs ?? 5_000;
  const open = (key: string, url: string, subgraph: string, context: () => GatewayContext): Entry => {
    const log = options.logger.child({ upstream: url });
    const entry: Entry = {
      connected: false,
      users: new Set(),
      client: undefined as never,
      latest: context,
      renewing: false,
    };
    // Whoever of its users holds the longest-lasting token: the socket lives as long as someone may use it.
    const longest = () => {
      const contexts = [...entry.users].map((user) => user.context());
      if (contexts.length === 0) return entry.latest();
      return contexts.reduce((best, context) =>
        context.identity.expiresAt > best.identity.expiresAt ? context : best,
      );
    };
    // Reconnecting drops what the subgraph publishes in between (a gap, as after any drop); not
    // renewing would end every subscription on the socket when the session it connected with ends.
    const renew = () => {
      const as = entry.as?.identity.expiresAt ?? Number.POSITIVE_INFINITY;
      if (entry.users.size === 0) return;
      if (longest().identity.expiresAt <= as) {
        // Nobody outlasts it yet: a user may still join with a longer session before it ends.
        if (as * 1000 > Date.now()) entry.renewal = setTimeout(renew, 1000).unref();
        return;
      }
      log.debug('upstream socket reconnects as a user whose session lasts longer');
      entry.renewing = true;
      entry.client.terminate();
    };
    entry.client = createClient({
      url: toWebSocketUrl(url),
      webSocketImpl: WebSocket,
      connectionParams: () => options.connectionParams((entry.as = longest()), subgraph),
      lazy: true,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      // Any drop is worth retrying except the fatal codes graphql-ws refuses to retry (e.g. 4401).
      shouldRetry: () => true,
      retryWait: async (retries) => {
        if (entry.renewing) return void (entry.renewing = false);
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
          const endsAt = (entry.as?.identity.expiresAt ?? Number.POSITIVE_INFINITY) * 1000;
          const delay = Math.min(MAX_DELAY_MS, Math.max(0, endsAt - Date.now() - renewBeforeMs));
          clearTimeout(entry.renewal);
          entry.renewal = setTimeout(renew, delay).unref();
        },
        closed: (event) => {
          log.debug({ code: (event as { code?: number }).code }, 'upstream socket closed');
          entry.connected = false;
          clearTimeout(entry.renewal);
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
          clearTimeout(entry.renewal);
          void entry.client.dispose();
        },
      };
    },
    get size() {
      return entries.size;
    },
  };
}
