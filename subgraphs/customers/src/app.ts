import { MikroORM } from '@mikro-orm/postgresql';
import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import { ensurePostgresDatabase } from '#kit/postgres.ts';
import type { CustomersConfig } from './config.ts';
import { ormConfig } from './mikro-orm.config.ts';
import { createServer } from './server.ts';

export interface CustomersService {
  orm: MikroORM;
  logger: Logger;
  http: Listening;
  close(): Promise<void>;
}

/** Connects to PostgreSQL, migrates, and serves the customers subgraph on `config.PORT`. */
export async function startCustomersService(config: CustomersConfig): Promise<CustomersService> {
  const logger = createLogger('customers', config.LOG_LEVEL);
  await ensurePostgresDatabase(config.DATABASE_URL);
  const orm = await MikroORM.init(ormConfig(config.DATABASE_URL, logger));
  await orm.migrator.up();
  const { httpServer, apollo } = await createServer({ config, orm, logger });
  const http = await listen(httpServer, config.PORT, config.HOST);
  logger.info({ url: `${http.url}/graphql` }, 'customers subgraph ready');
  return {
    orm,
    logger,
    http,
    close: async () => {
      await apollo.stop();
      await http.close().catch(() => {});
      await orm.close();
    },
  };
}
