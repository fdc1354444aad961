import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFerretDb } from '#kit/ferretdb.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { ProductionOrderRepository } from '../src/production/production-order.repository.ts';

let mongo: MongoClient;
let db: Db;

beforeAll(async () => {
  mongo = await new MongoClient(mongoUrl()).connect();
  db = mongo.db(mongoDatabaseName('indexes'));
});
afterAll(async () => {
  await db.dropDatabase().catch(() => {});
  await mongo.close();
});

describe("production orders' indexes", () => {
  it('tells FerretDB (the server the tests start unless MONGODB_URL) from MongoDB', async () => {
    expect(await isFerretDb(db)).toBe(!process.env.MONGODB_URL);
  });

  it('makes the status and webhook indexes only where a query can use them, the unique key everywhere', async () => {
    const repository = new ProductionOrderRepository(db);
    await repository.ensureIndexes();
    const names = (await repository.collection.indexes()).map((index) => index.name).sort();
    const everywhere = ['_id_', 'orderNumber_1_lineId_1'];
    const forMongoDb = ['status_1_queuedAt_1', 'webhook.state_1_webhook.nextAttemptAt_1'];
    expect(names).toEqual(((await isFerretDb(db)) ? everywhere : [...everywhere, ...forMongoDb]).sort());
  });
});
