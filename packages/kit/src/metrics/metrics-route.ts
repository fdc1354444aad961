import { timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { Histogram, type Registry } from 'prom-client';
import { metricsSource } from './cluster-metrics.ts';
import { DURATION_BUCKETS } from './registry.ts';

/** Used for METRICS_TOKEN outside production when it is unset (public, like every development default). */
export const DEVELOPMENT_METRICS_TOKEN = 'factory-floor-local-metrics-token';

/** The token `/metrics` asks for: METRICS_TOKEN; outside production a development default; else none (off). */
export function metricsTokenOf(config: { METRICS_TOKEN?: string | undefined; NODE_ENV: string }) {
  return config.METRICS_TOKEN ?? (config.NODE_ENV === 'production' ? undefined : DEVELOPMENT_METRICS_TOKEN);
}

const sameSecret = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `GET /metrics` in Prometheus' text format, for a scraper holding
 * `Authorization: Bearer <METRICS_TOKEN>` (401 without it). Without a token
 * configured (production with METRICS_TOKEN unset) it is not served (404). In a node:cluster
 * worker it serves every worker's metrics, aggregated by the primary (cluster-metrics.ts).
 */
export function mountMetrics(app: Express, registry: Registry, token: string | undefined): void {
  const source = metricsSource(registry);
  app.get('/metrics', async (req, res) => {
    if (!token) {
      res.status(404).json({ error: 'metrics are off: set METRICS_TOKEN', code: 'NOT_FOUND' });
      return;
    }
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameSecret(given, token)) {
      res.set('www-authenticate', 'Bearer realm="metrics"');
      res
        .status(401)
        .json({ error: 'metrics need Authorization: Bearer <METRICS_TOKEN>', code: 'UNAUTHENTICATED' });
      return;
    }
    try {
      res.set('content-type', source.contentType).send(await source.metrics());
    } catch (error) {
      // A domain gauge could not read its store (database down): say so, as Prometheus shows a failed scrape.
      res
        .status(503)
        .type('text/plain')
        .send(`metrics unavailable: ${(error as Error).message}\n`);
    }
  });
}

/**
 * `http_server_request_duration_seconds` (OpenTelemetry's http.server.request.duration,
 * in Prometheus' naming) by method, route and status. The route is the mounted
 * path (`/graphql`, `/webhooks/production`), never the raw URL.
 */
export function httpMetrics(registry: Registry) {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests.',
    labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer({ http_request_method: req.method });
    res.once('finish', () => {
      const route = `${req.baseUrl}${(req.route as { path?: string } | undefined)?.path ?? ''}` || 'other';
      end({
        http_route: res.statusCode === 404 ? 'other' : route,
        http_response_status_code: res.statusCode,
      });
    });
    next();
  };
}
