import { MongoClient } from 'mongodb';
import { listen, type Listening } from '#kit/http.ts';
import { createLogger, type Logger } from '#kit/logger.ts';
import { servedFactoriesOf, type FactoryConfig } from './config.ts';
import type { FactoryId } from './factory/factories.ts';
import { startFactoryUnit, type FactoryUnit } from './factory/factory-unit.ts';
import { openFactoryView, type FactoryView } from './factory/factory-view.ts';
import { acquireFactoryLease, type FactoryLease } from './factory/factory-lease.ts';
import { mountAgendash } from '#kit/agendash.ts';
import { registerFactoryMetrics } from './metrics/factory-metrics.ts';
import { createServer } from './server.ts';

export interface FactoryService {
  mongo: MongoClient;
  /** The factories this process runs (FACTORIES). */
  factories: ReadonlyMap<FactoryId, FactoryUnit>;
  /** Every factory it answers for: those it runs and those whose reads only it serves (READ_FACTORIES). */
  served: ReadonlyMap<FactoryId, FactoryView>;
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

export interface FactoryServiceOptions {
  /** A factory's lease was lost (another process owns it now): stop serving. Default: log and close. */
  onLeaseLost?: (factory: FactoryId, reason: string) => void;
}

/**
 * Takes each configured factory's lease (refusing to start if another process owns one), connects
 * it to its database, starts its job queue and serves the factory subgraph.
 */
export async function startFactoryService(
  config: FactoryConfig,
  options: FactoryServiceOptions = {},
): Promise<FactoryService> {
  const logger = createLogger('factory', config.LOG_LEVEL);
  const mongo = await new MongoClient(config.MONGODB_URL).connect();
  const factories = new Map<FactoryId, FactoryUnit>();
  const leases: FactoryLease[] = [];
  // Set once started: a lease lost later closes what was built.
  const started: { service?: FactoryService } = {};
  const onLost = (id: FactoryId, reason: string) => {
    if (options.onLeaseLost) return options.onLeaseLost(id, reason);
    logger.error({ factory: id, reason }, 'another process owns this factory now: closing');
    void started.service?.close();
  };
  try {
    for (const id of config.FACTORIES) {
      const db = mongo.db(`${config.FACTORY_DB_PREFIX}${id}`);
      leases.push(
        await acquireFactoryLease({
          db,
          factory: id,
          ttlMs: config.FACTORY_LEASE_TTL_MS,
          logger,
          onLost: (reason) => onLost(id, reason),
        }),
      );
      factories.set(id, await startFactoryUnit(id, db, config, logger));
    }
  } catch (error) {
    await Promise.all([...factories.values()].map((unit) => unit.stop()));
    await Promise.all(leases.map((lease) => lease.release()));
    await mongo.close();
    throw error;
  }
  await bootstrapClient(config, factories.values());
  const served = new Map<FactoryId, FactoryView>();
  for (const id of servedFactoriesOf(config))
    served.set(
      id,
      factories.get(id) ?? openFactoryView(id, mongo.db(`${config.FACTORY_DB_PREFIX}${id}`), config),
    );
  const { httpServer, apollo, metrics, app, verifier } = await createServer({
    config,
    factories: served,
    producers: factories,
    logger,
  });
  registerFactoryMetrics(metrics, factories);
  for (const unit of factories.values())
    mountAgendash(app, `/admin/agendash/${unit.id}`, unit.agenda, verifier);
  const http = await listen(httpServer, config.PORT, config.HOST);
  logger.info(
    { url: `${http.url}/graphql`, factories: config.FACTORIES, readOnly: config.READ_FACTORIES },
    'factory subgraph ready',
  );
  let closing: Promise<void> | undefined;
  const close = async () => {
    await apollo.stop();
    await http.close().catch(() => {});
    // Drain, not stop: running jobs finish instead of being unlocked for a re-run.
    await Promise.all([...factories.values()].map((unit) => unit.stop()));
    // Released last, once nothing of this process still works on the factory.
    await Promise.all(leases.map((lease) => lease.release()));
    await mongo.close();
  };
  started.service = { mongo, factories, served, logger, http, close: () => (closing ??= close()) };
  return started.service;
}
