import type { Logger } from './logger.ts';

/** Routes MikroORM's own log lines (migrator, queries in debug) into the service's logger. */
export const ormLogger = (logger: Logger) => ({
  loggerFactory: () => ({
    log: (namespace: string, message: string) => logger.debug({ namespace }, message),
    error: (namespace: string, message: string) => logger.error({ namespace }, message),
    warn: (namespace: string, message: string) => logger.warn({ namespace }, message),
    logQuery: (context: { query: string; took?: number }) =>
      logger.trace({ took: context.took }, context.query),
    setDebugMode: () => {},
    isEnabled: () => true,
  }),
});
