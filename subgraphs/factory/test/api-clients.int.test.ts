import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { ApiClientRepository } from '../src/clients/api-client.repository.ts';
import { VerifiedSecrets } from '../src/clients/verified-secrets.ts';

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
  it('hold for the same secret and stored hash until they expire', () => {
    const verified = new VerifiedSecrets(1000);
    verified.remember('orders', 's3cret', 'hash-1', 0);
    expect(verified.has('orders', 's3cret', 'hash-1', 500)).toBe(true);
    expect(verified.has('orders', 'other', 'hash-1', 500)).toBe(false);
    expect(verified.has('orders', 's3cret', 'hash-2', 500)).toBe(false);
    expect(verified.has('orders', 's3cret', 'hash-1', 1001)).toBe(false);
  });
});
