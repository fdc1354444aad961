import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import type { LeaseTerm } from '../src/factory/factory-lease.ts';
import { startFactoryProcess, type FactoryProcess } from './support/factory-process.ts';

// Two real factory processes configured to own the same factory (widgets) in the same database.
const TTL_MS = 1500;
const prefix = `${mongoDatabaseName('lease_proc')}_`;
let mongo: MongoClient;
const running: FactoryProcess[] = [];
const start = async () => {
  const factory = await startFactoryProcess(
    {
      MONGODB_URL: mongoUrl(),
      FACTORY_DB_PREFIX: prefix,
      FACTORIES: 'widgets',
      FACTORY_LEASE_TTL_MS: String(TTL_MS),
      ORDERS_WEBHOOK_URL: 'http://127.0.0.1:9/webhooks/production',
    },
    await freePort(),
  );
  running.push(factory);
  return factory;
};
const latestTerm = () =>
  mongo
    .db(`${prefix}widgets`)
    .collection<LeaseTerm>('factory_lease')
    .find()
    .sort({ _id: -1 })
    .limit(1)
    .next();

beforeAll(async () => {
  mongo = await new MongoClient(mongoUrl()).connect();
});
afterAll(async () => {
  await Promise.all(running.map((factory) => factory.stop()));
  await mongo
    .db(`${prefix}widgets`)
    .dropDatabase()
    .catch(() => {});
  await mongo.close();
});

describe('two factory processes for one factory', () => {
  it('the second refuses to start while the first owns it, and takes over only after a crash expires the lease', async () => {
    const first = await start();
    const held = await latestTerm();
    await expect(start()).rejects.toThrow(/exited with 1/);
    // Still the first one's term (it keeps renewing it): the refused process wrote nothing.
    expect(await latestTerm()).toMatchObject({
      _id: held!._id,
      owner: held!.owner,
      acquiredAt: held!.acquiredAt,
    });

    // A crash leaves the lease to expire (at most TTL after the kill); then a new process takes over.
    await first.kill();
    const crashedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, TTL_MS));
    const successor = await start();
    const taken = await latestTerm();
    expect(taken!._id).toBe(held!._id + 1);
    expect(taken!.acquiredAt.getTime()).toBeGreaterThan(crashedAt);

    // A graceful stop releases at once: the next process starts without waiting.
    await successor.stop();
    const next = await start();
    expect((await latestTerm())!._id).toBe(taken!._id + 1);
    await next.stop();
  }, 90_000);
});
