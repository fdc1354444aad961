import { MongoClient } from 'mongodb';
import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import type { FactoryConfig } from './config.ts';
import type { FactoryId } from './factory/factories.ts';
import { createFactoryUnit, type FactoryUnit } from './factory/factory-unit.ts';
import { createServer } from './server.ts';

export interface FactoryService {
  mongo: MongoClient;
  factories: ReadonlyMap<FactoryId, FactoryUnit>;
  logger: Logger;
  http: Listening;
  close(): Promise<void>;
}

/** Connects each configured factory to its database and serves the factory subgraph. */
export async function startFactoryService(config: FactoryConfig): Promise<FactoryService> {
  const logger = createLogger('factory', config.LOG_LEVEL);
  const mongo = await new MongoClient(config.MONGODB_URL).connect();
  const factories = new Map(
    config.FACTORIES.map((id) => [id, createFactoryUnit(id, mongo.db(`${config.FACTORY_DB_PREFIX}${id}`))]),
  );
  const { httpServer, apollo } = await createServer({ config, factories, logger });
  const http = await listen(httpServer, config.PORT);
  logger.info({ url: `${http.url}/graphql`, factories: config.FACTORIES }, 'factory subgraph ready');
  return {
    mongo,
    factories,
    logger,
    http,
    close: async () => {
      await apollo.stop();
      await http.close().catch(() => {});
      await mongo.close();
    },
  };
}
