import cluster from 'node:cluster';
import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { serveAsWorker, startWorkers } from '#kit/workers.ts';
import { loadGatewayConfig } from './config.ts';

const logger = createLogger('gateway');
try {
  const config = loadGatewayConfig();
  if (config.GATEWAY_WORKERS > 1 && cluster.isPrimary) {
    const workers = await startWorkers({ count: config.GATEWAY_WORKERS, logger });
    closeOnSignals(logger, workers.close);
  } else {
    // Only a worker (or the gateway alone) loads the gateway itself: the primary stays small.
    const { startGateway } = await import('./app.ts');
    const service = await startGateway(config);
    serveAsWorker(closeOnSignals(service.logger, service.close), service.http.url);
  }
} catch (error) {
  exitOnStartupError(logger)(error);
}
