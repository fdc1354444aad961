import type { Logger } from './logger.ts';
import { shutdownTelemetry } from './telemetry/shutdown.ts';

/**
 * Closes the service on SIGTERM or SIGINT (a second signal forces exit), so
 * `index.ts` files stay a few lines: read config, bootstrap, listen, this.
 * Returns the same shutdown for other callers (a cluster primary asking its
 * worker to drain): once closing, a call from them changes nothing.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): (reason: string) => void {
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.info({ reason }, 'shutting down');
    // Spans still buffered are exported before exit (a no-op without telemetry).
    close().then(
      () => shutdownTelemetry().then(() => process.exit(0)),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return shutdown;
}

/** Logs a start-up failure (a ConfigError names the variable) and exits non-zero. */
export function exitOnStartupError(logger: Logger) {
  return (error: unknown) => {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
    process.exit(1);
  };
}
