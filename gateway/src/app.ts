import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import type { GatewayConfig } from './config.ts';
import { createServer } from './server.ts';

export interface GatewayService {
  logger: Logger;
  http: Listening;
  /** Shared upstream subscriptions and their clients (for tests and diagnostics). */
  subscriptions: () => { upstreams: number; connected: number; clients: number; sockets: number };
  close(): Promise<void>;
}

/** `logger` replaces the service's own (tests read what an operator would see). */
export async function startGateway(
  config: GatewayConfig,
  logger: Logger = createLogger('gateway', config.LOG_LEVEL),
): Promise<GatewayService> {
  const server = await createServer({ config, logger });
  const http = await listen(server.httpServer, config.PORT, config.HOST);
  logger.info({ url: `${http.url}/graphql` }, 'gateway ready');
  return {
    logger,
    http,
    subscriptions: () => server.hub.stats(),
    close: async () => {
      await server.close();
      await http.close().catch(() => {});
    },
  };
}
