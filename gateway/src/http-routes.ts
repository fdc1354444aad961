import type { Express, NextFunction, Request, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { checkTokenLimit } from '#kit/operation-limits.ts';

/** /health: the process is up. /ready: the supergraph is loaded and every subgraph is ready. */
export function healthRoutes(
  app: Express,
  options: { urls: Record<string, string>; loaded: () => boolean; timeoutMs: number },
) {
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', service: 'gateway' });
  });
  app.get('/ready', async (_req, res) => {
    const checks = await Promise.all(
      Object.entries(options.urls).map(async ([name, url]) => {
        const response = await fetch(new URL('/ready', url), {
          signal: AbortSignal.timeout(options.timeoutMs),
        }).catch(() => null);
        return [name, response?.ok ? 'ready' : 'unavailable'] as const;
      }),
    );
    const ready = options.loaded() && checks.every(([, state]) => state === 'ready');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      supergraph: options.loaded() ? 'loaded' : 'loading',
      subgraphs: Object.fromEntries(checks),
    });
  });
}

const graphqlErrorBody = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * Refuses documents with too many tokens before they are parsed. A document
 * that passed is remembered (clients send the same few again and again), so it
 * is not lexed a second time on every request.
 */
export const tokenLimit = (maxTokens: number) => {
  const passed = new LRUCache<string, true>({ maxSize: 4_000_000, sizeCalculation: (_v, key) => key.length });
  return (req: Request, res: Response, next: NextFunction) => {
    const body = req.body as { query?: unknown } | undefined;
    const source = body?.query ?? req.query.query;
    if (typeof source === 'string' && passed.has(source)) return next();
    const exceeded = checkTokenLimit(source, maxTokens);
    if (!exceeded) {
      if (typeof source === 'string') passed.set(source, true);
      return next();
    }
    res.status(400).json(graphqlErrorBody(exceeded.message, 'TOKEN_LIMIT_EXCEEDED'));
  };
};

/** Body-size and malformed-JSON failures from express.json as GraphQL-shaped errors. */
export function bodyErrors(error: unknown, _req: Request, res: Response, next: NextFunction) {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') {
    res.status(413).json(graphqlErrorBody('The request body is too large', 'PAYLOAD_TOO_LARGE'));
  } else if (type === 'entity.parse.failed') {
    res.status(400).json(graphqlErrorBody('The request body is not valid JSON', 'BAD_REQUEST'));
  } else {
    next(error);
  }
}
