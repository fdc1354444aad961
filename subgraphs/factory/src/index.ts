import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { startFactoryService } from './app.ts';
import { loadFactoryConfig } from './config.ts';

const logger = createLogger('factory');
try {
  const service = await startFactoryService(loadFactoryConfig(), {
    // Another process owns the factory now: stop at once, doing nothing more for it (a restart waits its turn).
    onLeaseLost: (factory, reason) => {
      logger.fatal({ factory, reason }, 'factory lease lost: exiting');
      process.exit(1);
    },
  });
  closeOnSignals(service.logger, service.close);
} catch (error) {
  exitOnStartupError(logger)(error);
}
