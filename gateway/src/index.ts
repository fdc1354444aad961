import { closeOnSignals, exitOnStartupError } from '#kit/lifecycle.ts';
import { createLogger } from '#kit/logger.ts';
import { startGateway } from './app.ts';
import { loadGatewayConfig } from './config.ts';

// @apollo/gateway reports anonymous telemetry unless told not to (read when the gateway loads).
process.env.APOLLO_TELEMETRY_DISABLED ??= '1';
const logger = createLogger('gateway');
try {
  const service = await startGateway(loadGatewayConfig());
  closeOnSignals(service.logger, service.close);
} catch (error) {
  exitOnStartupError(logger)(error);
}
