import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { startCustomersService } from './app.ts';
import { loadCustomersConfig } from './config.ts';

const logger = createLogger('customers');
try {
  const service = await startCustomersService(loadCustomersConfig());
  closeOnSignals(service.logger, service.close);
} catch (error) {
  exitOnStartupError(logger)(error);
}
