import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import {
  AggregatorRegistry,
  type MetricObjectWithValues,
  type MetricValue,
  type Registry,
} from 'prom-client';

/**
 * `/metrics` of a service run as node:cluster workers (workers.ts): whichever worker a scrape
 * reaches asks the primary, which gathers every serving worker's metrics and aggregates them the
 * way prom-client's AggregatorRegistry does (counters and histograms summed, each default process
 * metric by its own rule), so one scrape tells the truth about all of them. A worker still starting
 * is left out; a worker that is replaced takes its counts with it (Prometheus reads the drop as a
 * counter reset).
 */
type Part = MetricObjectWithValues<MetricValue<string>>[];
const REQUEST = 'ff:metrics-request';
const REPLY = 'ff:metrics-reply';
const COLLECT = 'ff:metrics-collect';
const PART = 'ff:metrics-part';
const TIMEOUT_MS = 3000; // under Prometheus' default scrape timeout (10 s)
/** Set by our primary in its workers' environment: a worker of another primary (pm2) serves its own. */
export const CLUSTER_METRICS_ENV = 'FF_CLUSTER_METRICS';

type Message =
  | { type: typeof REQUEST; id: string }
  | { type: typeof REPLY; id: string; text?: string; error?: string }
  | { type: typeof COLLECT; id: string }
  | { type: typeof PART; id: string; metrics?: Part[]; error?: string };
const messageOf = (message: unknown): Message | undefined =>
  typeof message === 'object' &&
  message !== null &&
  String((message as Message).type).startsWith('ff:metrics-')
    ? (message as Message)
    : undefined;

/** What `/metrics` serves: the registry itself, or in a cluster worker every worker's aggregated. */
export type MetricsSource = Pick<Registry, 'contentType' | 'metrics'>;

const sources = new WeakMap<Registry, MetricsSource>();

export function metricsSource(registry: Registry): MetricsSource {
  if (!cluster.isWorker || process.env[CLUSTER_METRICS_ENV] !== '1') return registry;
  let source = sources.get(registry);
  if (source) return source;
  const waiting = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (raw) => {
    const message = messageOf(raw);
    if (message?.type === COLLECT) {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send!({ type: PART, id: message.id, metrics: [metrics] }),
        (error: Error) => process.send!({ type: PART, id: message.id, error: error.message }),
      );
    } else if (message?.type === REPLY) {
      const request = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) request?.reject(new Error(message.error));
      else request?.resolve(message.text ?? '');
    }
  });
  source = {
    contentType: registry.contentType,
    metrics: () =>
      new Promise<string>((resolve, reject) => {
        const id = randomUUID();
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('the primary did not answer'));
        }, TIMEOUT_MS + 1000);
        const settle =
          <T>(then: (value: T) => void) =>
          (value: T) => {
            clearTimeout(timer);
            then(value);
          };
        waiting.set(id, { resolve: settle(resolve), reject: settle(reject) });
        process.send!({ type: REQUEST, id });
      }),
  };
  sources.set(registry, source);
  return source;
}

/** In the primary: answers each worker's request with the metrics of every worker in `serving()`. */
export function answerMetricsRequests(serving: () => Worker[]): void {
  type Collect = { parts: Part[]; waiting: Set<Worker>; done: (error?: string) => void };
  const collecting = new Map<string, Collect>();
  const aggregate = async (parts: Part[]) => AggregatorRegistry.aggregate(parts).metrics();
  const gather = (asker: Worker, id: string) => {
    const workers = serving().filter((worker) => worker.isConnected());
    const reply = (answer: { text?: string; error?: string }) => {
      if (asker.isConnected()) asker.send({ type: REPLY, id, ...answer });
    };
    const collect: Collect = {
      parts: [],
      waiting: new Set(workers),
      done: (error) => {
        if (!collecting.delete(id)) return;
        clearTimeout(timer);
        if (error !== undefined) return reply({ error });
        aggregate(collect.parts).then(
          (text) => reply({ text }),
          (failure: Error) => reply({ error: failure.message }),
        );
      },
    };
    const timer = setTimeout(
      () => collect.done(`a worker did not answer within ${TIMEOUT_MS} ms`),
      TIMEOUT_MS,
    );
    collecting.set(id, collect);
    for (const worker of workers) worker.send({ type: COLLECT, id });
    if (workers.length === 0) collect.done('no worker is serving');
  };
  cluster.on('message', (worker, raw) => {
    const message = messageOf(raw);
    if (message?.type === REQUEST) gather(worker, message.id);
    else if (message?.type === PART) {
      const collect = collecting.get(message.id);
      if (!collect) return;
      if (message.error !== undefined) return collect.done(message.error);
      collect.parts.push(...(message.metrics ?? []));
      collect.waiting.delete(worker);
      if (collect.waiting.size === 0) collect.done();
    }
  });
  // A worker that exits while its part is awaited is left out (its counts went with it).
  cluster.on('exit', (worker) => {
    for (const collect of collecting.values())
      if (collect.waiting.delete(worker) && collect.waiting.size === 0) collect.done();
  });
}
