import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt } from 'jose';
import { sleep } from '#kit/sim-time.ts';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { freePort } from '#kit/ferretdb.ts';
import { createCustomersClient } from '../src/customers-client.ts';
import {
  customerInput,
  startCustomersForTest,
  type CustomersUnderTest,
} from '../../../subgraphs/customers/test/support.ts';

describe('customers client against a real customers service', () => {
  let customers: CustomersUnderTest;
  const ids: string[] = [];
  const calls: { authorization: string; body: string }[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    calls.push({
      authorization: new Headers(init?.headers).get('authorization') ?? '',
      body: String(init?.body),
    });
    return fetch(input, init);
  };
  const client = (cacheTtlMs?: number) =>
    createCustomersClient({
      url: customers.url,
      serviceTokenSecret: TEST_SERVICE_TOKEN_SECRET,
      fetch: recordingFetch,
      ...(cacheTtlMs === undefined ? {} : { cacheTtlMs }),
    });

  beforeAll(async () => {
    customers = await startCustomersForTest();
    for (let i = 0; i < 4; i++) ids.push((await customers.create(customerInput())).data!.createCustomer.id);
  });
  afterAll(async () => customers?.close());

  it('batches concurrent lookups into one request with a viewer service token, null for unknown ids', async () => {
    const lookup = client(60_000);
    calls.length = 0;
    const unknown = crypto.randomUUID();
    const [first, second, many, missing, malformed] = await Promise.all([
      lookup.getCustomer(ids[0]!),
      lookup.getCustomer(ids[1]!),
      lookup.getCustomers([ids[2]!, ids[3]!, unknown, ids[0]!]),
      lookup.getCustomer(unknown),
      lookup.getCustomer('not-a-uuid'),
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toContain('_entities');
    expect(first).toMatchObject({ id: ids[0], active: true });
    expect(Object.keys(first!).sort()).toEqual(['active', 'email', 'id', 'name']);
    expect(second?.id).toBe(ids[1]);
    expect([...many.keys()].sort()).toEqual([ids[2]!, ids[3]!, ids[0]!].sort());
    expect(missing).toBeNull();
    expect(malformed).toBeNull();

    const claims = decodeJwt(calls[0]!.authorization.replace('Bearer ', ''));
    expect(claims).toMatchObject({
      sub: 'orders',
      role: 'viewer',
      aud: 'customers',
      iss: 'factory-floor-service',
    });
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(300);

    // Within the TTL the answers come from the cache: no new request.
    await lookup.getCustomers(ids.slice(0, 2));
    expect(calls).toHaveLength(1);
  });

  it('reports an archived customer as inactive once the cache entry has expired', async () => {
    const cached = client(60_000);
    const short = client(50);
    expect((await cached.getCustomer(ids[3]!))?.active).toBe(true);
    expect((await short.getCustomer(ids[3]!))?.active).toBe(true);

    expect((await customers.archive(ids[3]!)).errors).toBeUndefined();
    await sleep(80);
    expect((await short.getCustomer(ids[3]!))?.active).toBe(false);
    // The long-TTL client still answers from its cache: the TTL is what bounds staleness.
    expect((await cached.getCustomer(ids[3]!))?.active).toBe(true);
  });

  it('asks the customers service again for a fresh lookup, and caches that answer', async () => {
    const cached = client(60_000);
    const id = (await customers.create(customerInput())).data!.createCustomer.id;
    expect((await cached.getCustomer(id))?.active).toBe(true);
    expect((await customers.archive(id)).errors).toBeUndefined();
    calls.length = 0;
    expect((await cached.getCustomer(id, { fresh: true }))?.active).toBe(false);
    expect(calls).toHaveLength(1);
    expect((await cached.getCustomer(id))?.active).toBe(false);
    expect(calls).toHaveLength(1);
  });

  it('sends the lookups made while a query is out in one next query, which sees what changed meanwhile', async () => {
    const id = (await customers.create(customerInput())).data!.createCustomer.id;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const bodies: string[] = [];
    const lookup = createCustomersClient({
      url: customers.url,
      serviceTokenSecret: TEST_SERVICE_TOKEN_SECRET,
      // The first query's answer is held back until the test releases it.
      fetch: async (input, init) => {
        bodies.push(String(init?.body));
        const response = await fetch(input, init);
        if (bodies.length === 1) await held;
        return response;
      },
    });
    const first = lookup.getCustomer(id, { fresh: true });
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect((await customers.archive(id)).errors).toBeUndefined();
    // Placements arriving while the first query is out: one query for all of them, each id once.
    const later = Promise.all([
      ...Array.from({ length: 20 }, () => lookup.getCustomer(id, { fresh: true })),
      lookup.getCustomer(ids[0]!, { fresh: true }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bodies).toHaveLength(1);
    release();
    expect((await first)?.active).toBe(true);
    const answers = await later;
    expect(bodies).toHaveLength(2);
    expect(JSON.parse(bodies[1]!).variables.representations).toHaveLength(2);
    // Asked after the archiving: none of them is answered with the first query's "active".
    expect(answers.slice(0, 20).every((answer) => answer?.active === false)).toBe(true);
    expect(answers[20]?.id).toBe(ids[0]);
  });

  it('reuses its service token across requests', async () => {
    const lookup = client(0);
    calls.length = 0;
    await lookup.getCustomer(ids[0]!);
    await lookup.getCustomer(ids[1]!);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.authorization).toBe(calls[0]!.authorization);
  });

  it('lists active customer ids only, up to the limit', async () => {
    const lookup = client();
    const active = await lookup.listActiveCustomerIds();
    expect(active).toEqual(ids.slice(0, 3));
    expect(await lookup.listActiveCustomerIds(2)).toEqual(ids.slice(0, 2));
  });

  it('rejects (rather than answering null) when the service cannot be reached or refuses', async () => {
    const down = createCustomersClient({
      url: `http://127.0.0.1:${await freePort()}/graphql`,
      serviceTokenSecret: TEST_SERVICE_TOKEN_SECRET,
    });
    await expect(down.getCustomer(ids[0]!)).rejects.toThrow();
    const wrongSecret = createCustomersClient({
      url: customers.url,
      serviceTokenSecret: 'not-the-secret-0123456789',
    });
    await expect(wrongSecret.getCustomer(ids[0]!)).rejects.toThrow(/UNAUTHENTICATED/);
    // The users' key does not make a service token: only SERVICE_TOKEN_SECRET does.
    const usersKey = createCustomersClient({ url: customers.url, serviceTokenSecret: TEST_JWT_SECRET });
    await expect(usersKey.getCustomer(ids[0]!)).rejects.toThrow(/UNAUTHENTICATED/);
  });
});
