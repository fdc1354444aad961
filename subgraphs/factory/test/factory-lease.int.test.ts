import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '#kit/logger.ts';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { acquireFactoryLease, FactoryLeaseHeldError, type LeaseTerm } from '../src/factory/factory-lease.ts';
import { waitFor } from './support/wait.ts';

const logger = createLogger('factory-lease-test', 'silent');
let mongo: MongoClient;
let db: Db;
const terms = () => db.collection<LeaseTerm>('factory_lease');
const lease = (ttlMs = 60_000, onLost: (reason: string) => void = () => {}) =>
  acquireFactoryLease({ db, factory: 'widgets', ttlMs, logger, onLost });

beforeAll(async () => {
  mongo = await new MongoClient(mongoUrl()).connect();
});
afterAll(async () => {
  await mongo.close();
});

describe('a factory lease', () => {
  it('is held by one owner: a second is refused, naming the owner, and changes nothing', async () => {
    db = mongo.db(mongoDatabaseName('lease'));
    const first = await lease();
    const before = await terms().find().toArray();
    const refusal = lease().catch((error: unknown) => error);
    expect(await refusal).toBeInstanceOf(FactoryLeaseHeldError);
    expect(String(await refusal)).toContain(`factory widgets is owned by another process (${first.owner})`);
    expect(await terms().find().toArray()).toEqual(before);

    // A graceful stop hands the factory over at once, to the next term.
    await first.release();
    const second = await lease();
    expect(second.term).toBe(first.term + 1);
    expect(await terms().countDocuments()).toBe(1);
    await second.release();
  });

  it('is renewed while its owner lives, so it outlasts its time to live', async () => {
    db = mongo.db(mongoDatabaseName('lease'));
    const owner = await lease(300);
    await new Promise((resolve) => setTimeout(resolve, 900));
    await expect(lease(300)).rejects.toThrow(FactoryLeaseHeldError);
    await owner.release();
  });

  it('goes to exactly one of several processes taking over an expired term', async () => {
    db = mongo.db(mongoDatabaseName('lease'));
    const past = new Date(Date.now() - 1000);
    await terms().insertOne({ _id: 7, owner: 'crashed:1:dead', acquiredAt: past, expiresAt: past });
    const attempts = await Promise.allSettled(Array.from({ length: 6 }, () => lease()));
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const attempt of attempts)
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(FactoryLeaseHeldError);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof lease>>>).value;
    expect(winner.term).toBe(8);
    expect((await terms().find().sort({ _id: -1 }).limit(1).next())!.owner).toBe(winner.owner);
    await winner.release();
  });

  it('tells its owner when another process has taken the factory over', async () => {
    db = mongo.db(mongoDatabaseName('lease'));
    const lost: string[] = [];
    const owner = await lease(300, (reason) => lost.push(reason));
    const now = new Date();
    await terms().insertOne({ _id: owner.term + 1, owner: 'usurper', acquiredAt: now, expiresAt: now });
    await waitFor('the owner to notice', () => lost.length > 0, 2000);
    expect(lost).toEqual(['another process took the factory over']);
    // It no longer writes its term: the usurper's successor is not disturbed.
    const before = await terms().findOne({ _id: owner.term });
    await owner.release();
    expect(await terms().findOne({ _id: owner.term })).toEqual(before);
  });
});
