import { backoffDelay } from '#kit/backoff.ts';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Logger } from '#kit/logger.ts';
import type { UpstreamEvent } from './event-executor.ts';

export interface UpstreamOptions {
  /** The subgraph's HTTP GraphQL URL; its graphql-ws endpoint is the same path. */
  url: string;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string | undefined;
  /** `connection_init`'s payload, made on every (re)connect so a reconnect carries a fresh identity. */
  connectionParams: () => Promise<Record<string, unknown>>;
  retryBaseMs: number;
  retryMaxMs: number;
  logger: Logger;
  onEvent(event: UpstreamEvent): void;
  onError(message: string): void;
  onComplete(): void;
  /** The socket to the subgraph is (re)established or lost. */
  onConnection?(connected: boolean): void;
}

const toWebSocketUrl = (url: string) => url.replace(/^http/, 'ws');

/**
 * Subscribes to the owning subgraph over graphql-ws; if the subgraph goes
 * away, reconnects with capped exponential backoff and jitter and subscribes
 * again, so clients see a gap rather than an end. Returns the teardown.
 */
export function openUpstream(options: UpstreamOptions): () => void {
  const log = options.logger.child({ upstream: options.url, operation: options.operationName });
  const client = createClient({
    url: toWebSocketUrl(options.url),
    webSocketImpl: WebSocket,
    connectionParams: () => options.connectionParams(),
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
        log.debug('upstream subscription connected');
        options.onConnection?.(true);
      },
      closed: (event) => {
        log.debug({ code: (event as { code?: number }).code }, 'upstream socket closed');
        options.onConnection?.(false);
      },
    },
  });
  const unsubscribe = client.subscribe<Record<string, unknown>>(
    { query: options.query, variables: options.variables, operationName: options.operationName },
    {
      next: (result) => options.onEvent(result as UpstreamEvent),
      error: (error) => {
        log.warn({ err: error }, 'upstream subscription failed');
        const message = Array.isArray(error)
          ? error.map((item: { message: string }) => item.message).join('; ')
          : error instanceof Error
            ? error.message
            : `upstream closed (${(error as { code?: number }).code ?? 'unknown'})`;
        options.onError(message);
      },
      complete: () => options.onComplete(),
    },
  );
  return () => {
    unsubscribe();
    void client.dispose();
  };
}
