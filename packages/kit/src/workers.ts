import cluster, { type Worker } from 'node:cluster';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { Logger } from './logger.ts';
import { answerMetricsRequests, CLUSTER_METRICS_ENV } from './metrics/cluster-metrics.ts';

// What a primary and its workers tell each other (besides metrics: metrics/cluster-metrics.ts).
const READY = 'ff:worker-ready';
const SHUTDOWN = 'ff:worker-shutdown';
const isMessage = (message: unknown, type: string): message is { type: string; url?: string } =>
  typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * In a node:cluster worker: tells the primary it serves, and drains (`shutdown`, from closeOnSignals)
 * when the primary asks. Outside a cluster it does nothing.
 */
export function serveAsWorker(shutdown: (reason: string) => void, url: string): void {
  if (!cluster.isWorker) return;
  process.on('message', (message) => {
    if (isMessage(message, SHUTDOWN)) shutdown('the primary is shutting down');
  });
  process.send!({ type: READY, url });
}

export interface WorkersOptions {
  /** How many workers to keep running. */
  count: number;
  logger: Logger;
  /** Delay before replacing a worker that died: doubles while replacements die before serving. */
  restart?: BackoffPolicy;
}

export interface Workers {
  /** The address the workers share. */
  url: string;
  /** Asks every worker to drain and resolves once all have exited; none is replaced meanwhile. */
  close(): Promise<void>;
}

/**
 * The primary of a service run as `count` node:cluster workers on one port (its connections dealt
 * among them by the primary), as Hive Gateway's `--fork` runs: it forks them, resolves once every
 * one serves, replaces a worker that dies, and drains them all on close(). A worker that dies
 * before the first start completes fails the start (as a single process would fail it). The
 * primary also answers the workers' `/metrics` with every worker's metrics aggregated.
 */
export async function startWorkers(options: WorkersOptions): Promise<Workers> {
  const { logger, count } = options;
  const policy = options.restart ?? { baseMs: 100, maxMs: 10_000, jitter: 'equal' };
  const serving = new Set<Worker>();
  const pending = new Set<NodeJS.Timeout>();
  let started = false;
  let closing = false;
  let failures = 0; // replacements in a row that died before serving
  let url = '';
  let startFailed: (error: Error) => void = () => {};
  let startDone: () => void = () => {};

  answerMetricsRequests(() => [...serving]);

  const fork = () => {
    const worker = cluster.fork({ [CLUSTER_METRICS_ENV]: '1' });
    worker.on('message', (message) => {
      if (!isMessage(message, READY)) return;
      serving.add(worker);
      failures = 0;
      url = message.url ?? url;
      logger.debug({ worker: worker.id, pid: worker.process.pid }, 'worker serving');
      if (!started && serving.size === count) {
        started = true;
        startDone();
      }
    });
    worker.once('exit', (code, signal) => {
      const served = serving.delete(worker);
      if (closing) return;
      if (!started) {
        startFailed(new Error(`a worker exited during start-up (code ${code}, signal ${signal})`));
        return;
      }
      const delay = backoffDelay(served ? 0 : failures++, policy);
      logger.error({ worker: worker.id, code, signal, restartInMs: delay }, 'worker died: replacing it');
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!closing) fork();
      }, delay);
      pending.add(timer);
    });
  };

  const close = async () => {
    closing = true;
    for (const timer of pending) clearTimeout(timer);
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    await Promise.all(
      workers.map(async (worker) => {
        if (worker.isDead()) return;
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        // One that serves drains; one still starting has nothing to drain yet.
        if (serving.has(worker)) worker.send({ type: SHUTDOWN });
        else worker.process.kill('SIGTERM');
        await exited;
      }),
    );
  };

  try {
    await new Promise<void>((resolve, reject) => {
      startDone = resolve;
      startFailed = reject;
      for (let i = 0; i < count; i++) fork();
    });
  } catch (error) {
    await close();
    throw error;
  }
  logger.info({ url, workers: count }, 'workers serving');
  return {
    get url() {
      return url;
    },
    close,
  };
}
