import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { startFactoryService } from './app.ts';
import { loadFactoryConfig } from './config.ts';

const logger = createLogger('factory');
try {
  const service = await startFactoryService(loadFactoryConfig());
  closeOnSignals(service.logger, service.close);
} catch (error) {
  exitOnStartupError(logger)(error);
}
