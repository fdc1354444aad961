import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { startOrdersService } from './app.ts';
import { loadOrdersConfig } from './config.ts';

const logger = createLogger('orders');
try {
  const service = await startOrdersService(loadOrdersConfig());
  closeOnSignals(service.logger, service.close);
} catch (error) {
  exitOnStartupError(logger)(error);
}
