import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { startGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';

const logger = createLogger('gateway');
try {
  const service = await startGateway(loadGatewayConfig());
  closeOnSignals(service.logger, service.close);
} catch (error) {
  exitOnStartupError(logger)(error);
}
