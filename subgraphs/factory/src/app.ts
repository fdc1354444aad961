import { MongoClient } from 'mongodb';
import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import type { FactoryConfig } from './config.ts';
import type { FactoryId } from './factory/factories.ts';
import { startFactoryUnit, type FactoryUnit } from './factory/factory-unit.ts';
import { createServer } from './server.ts';

export interface FactoryService {
  mongo: MongoClient;
  factories: ReadonlyMap<FactoryId, FactoryUnit>;
  logger: Logger;
  http: Listening;
  close(): Promise<void>;
}

/** `FACTORY_BOOTSTRAP_CLIENT=name:secret` registers that client in every factory, so a fresh stack works. */
async function bootstrapClient(config: FactoryConfig, units: Iterable<FactoryUnit>) {
  if (config.FACTORY_BOOTSTRAP_CLIENT === 'off') return;
  const colon = config.FACTORY_BOOTSTRAP_CLIENT.indexOf(':');
  const [name, secret] = [
    config.FACTORY_BOOTSTRAP_CLIENT.slice(0, colon),
    config.FACTORY_BOOTSTRAP_CLIENT.slice(colon + 1),
  ];
  for (const unit of units) await unit.clients.register(name, secret);
}

/** Connects each configured factory to its database, starts its job queue and serves the factory subgraph. */
export async function startFactoryService(config: FactoryConfig): Promise<FactoryService> {
  const logger = createLogger('factory', config.LOG_LEVEL);
  const mongo = await new MongoClient(config.MONGODB_URL).connect();
  const factories = new Map<FactoryId, FactoryUnit>();
  for (const id of config.FACTORIES) {
    factories.set(
      id,
      await startFactoryUnit(id, mongo.db(`${config.FACTORY_DB_PREFIX}${id}`), config, logger),
    );
  }
  await bootstrapClient(config, factories.values());
  const { httpServer, apollo } = await createServer({ config, factories, logger });
  const http = await listen(httpServer, config.PORT, config.HOST);
  logger.info({ url: `${http.url}/graphql`, factories: config.FACTORIES }, 'factory subgraph ready');
  return {
    mongo,
    factories,
    logger,
    http,
    close: async () => {
      await apollo.stop();
      await http.close().catch(() => {});
      // Drain, not stop: running jobs finish instead of being unlocked for a re-run.
      await Promise.all([...factories.values()].map((unit) => unit.stop()));
      await mongo.close();
    },
  };
}
