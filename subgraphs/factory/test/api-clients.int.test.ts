import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { ApiClientRepository } from '../src/clients/api-client.repository.ts';
import { SecretChecks } from '../src/clients/secret-checks.ts';

describe('API client secrets', () => {
  let mongo: MongoClient;
  let clients: ApiClientRepository;
  beforeAll(async () => {
    mongo = await new MongoClient(mongoUrl()).connect();
    clients = new ApiClientRepository(mongo.db(mongoDatabaseName('clients')));
  });
  afterAll(async () => mongo?.close());

  it('accepts the current secret again and again, and never a wrong one', async () => {
    await clients.register('orders', 'first-secret');
    expect(await clients.verify('orders', 'first-secret')).toBe(true);
    expect(await clients.verify('orders', 'first-secret')).toBe(true);
    expect(await clients.verify('orders', 'wrong-secret')).toBe(false);
    expect(await clients.verify('someone-else', 'first-secret')).toBe(false);
  });

  it('refuses the old secret as soon as the client is given a new one, even when it was just accepted', async () => {
    await clients.register('rotating', 'old-secret');
    expect(await clients.verify('rotating', 'old-secret')).toBe(true);
    await clients.register('rotating', 'new-secret');
    expect(await clients.verify('rotating', 'old-secret')).toBe(false);
    expect(await clients.verify('rotating', 'new-secret')).toBe(true);
  });

  it('refuses a removed client at once', async () => {
    await clients.register('removed', 'its-secret');
    expect(await clients.verify('removed', 'its-secret')).toBe(true);
    await clients.collection.deleteOne({ _id: 'removed' });
    expect(await clients.verify('removed', 'its-secret')).toBe(false);
  });
});

describe('remembered secret checks', () => {
  const counting = (ok: boolean) => {
    const run = async () => {
      run.calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return ok;
    };
    run.calls = 0;
    return run;
  };

  it('run once for concurrent checks of the same secret, and remember a failure too', async () => {
    const checks = new SecretChecks();
    const wrong = counting(false);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => checks.check('orders', 'bad', 'h1', wrong)),
    );
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => false));
    expect(await checks.check('orders', 'bad', 'h1', wrong)).toBe(false);
    expect(wrong.calls).toBe(1);
  });

  it('hold only for the same client, secret and stored hash, and not past their time', async () => {
    const checks = new SecretChecks({ okTtlMs: 100, failedTtlMs: 100 });
    const right = counting(true);
    expect(await checks.check('orders', 's3cret', 'h1', right)).toBe(true);
    expect(await checks.check('orders', 's3cret', 'h1', right)).toBe(true);
    expect(right.calls).toBe(1);
    await checks.check('orders', 'other', 'h1', right);
    await checks.check('orders', 's3cret', 'h2', right);
    await checks.check('another', 's3cret', 'h1', right);
    expect(right.calls).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await checks.check('orders', 's3cret', 'h1', right);
    expect(right.calls).toBe(5);
  });
});
