import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per service: Node's process metrics (prom-client's
 * defaults) and every metric the service registers, each labelled `service`.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** OpenTelemetry's advised buckets for http.server.request.duration, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Caps a client-chosen label (an operation name) to a safe shape and a bounded
 * number of distinct values, so a client cannot blow up the series count.
 */
export function boundedLabel(limit = 200, fallback = 'other') {
  const seen = new Set<string>();
  return (value: string | null | undefined, empty = 'anonymous'): string => {
    if (!value) return empty;
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(value)) return fallback;
    if (seen.has(value)) return value;
    if (seen.size >= limit) return fallback;
    seen.add(value);
    return value;
  };
}
