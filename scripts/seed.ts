/**
 * `npm run seed [-- --count 50]`: realistic customers for a fresh stack, in
 * the customers database (DATABASE_URL, else the development default).
 * Idempotent: the same customers every run, upserted on email.
 */
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { createLogger } from '#kit/logger.ts';
import { ensurePostgresDatabase } from '#kit/postgres.ts';
import { loadCustomersConfig } from '../subgraphs/customers/src/config.ts';
import { ormConfig } from '../subgraphs/customers/src/mikro-orm.config.ts';
import { seedCustomers } from '../subgraphs/customers/src/seed/seed-customers.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '50' } } });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > 10_000) {
  console.error('--count must be a whole number from 1 to 10000');
  process.exit(2);
}

const config = loadCustomersConfig();
const logger = createLogger('seed', config.LOG_LEVEL);
await ensurePostgresDatabase(config.DATABASE_URL);
const orm = await MikroORM.init(ormConfig(config.DATABASE_URL, logger));
try {
  await orm.migrator.up();
  const result = await seedCustomers(orm.em.fork(), count);
  logger.info({ count, ...result }, 'customers seeded');
} finally {
  await orm.close();
}
