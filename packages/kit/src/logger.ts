import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import { pino, type Logger, type TransportSingleOptions } from 'pino';

export type { Logger };

/** pino-pretty is a devDependency: present where people run `npm start`, absent in a production image. */
function prettyTransport(): TransportSingleOptions | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
  } catch {
    return undefined;
  }
  return {
    target: 'pino-pretty',
    options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
  };
}

/**
 * One structured logger per service; `LOG_LEVEL` decides how chatty. JSON
 * lines for machines, readable lines when a person watches a terminal.
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const transport = prettyTransport();
  return pino({
    name: service,
    level,
    // A node:cluster worker (workers.ts) says which it is.
    base: cluster.worker ? { service, worker: cluster.worker.id } : { service },
    ...(transport ? { transport } : {}),
  });
}
