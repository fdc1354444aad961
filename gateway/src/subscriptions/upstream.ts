import type { Logger } from '#kit/logger.ts';
import type { UpstreamEvent } from './event-executor.ts';
import type { UpstreamLease } from './upstream-pool.ts';

export interface UpstreamOptions {
  /** The shared socket to the owning subgraph (upstream-pool.ts). */
  lease: UpstreamLease;
  query: string;
  variables: Record<string, unknown>;
  operationName?: string | undefined;
  logger: Logger;
  onEvent(event: UpstreamEvent): void;
  onError(message: string): void;
  onComplete(): void;
}

/** Subscribes one operation on a shared upstream socket; returns the teardown (which releases the lease). */
export function openUpstream(options: UpstreamOptions): () => void {
  const unsubscribe = options.lease.client.subscribe<Record<string, unknown>>(
    { query: options.query, variables: options.variables, operationName: options.operationName },
    {
      next: (result) => options.onEvent(result as UpstreamEvent),
      error: (error) => {
        options.logger.warn({ err: error, operation: options.operationName }, 'upstream subscription failed');
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
    options.lease.release();
  };
}
