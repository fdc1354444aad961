import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '#kit/auth.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { customerInput, firstError, startCustomersForTest, type CustomersUnderTest } from './support.ts';

describe('customers subgraph over HTTP: reads need viewer, writes need operator', () => {
  let customers: CustomersUnderTest;
  let id: string;
  beforeAll(async () => {
    customers = await startCustomersForTest();
    id = (await customers.create(customerInput())).data!.createCustomer.id;
  });
  afterAll(async () => customers?.close());

  it('refuses a caller without a token with 401 UNAUTHENTICATED', async () => {
    const response = await fetch(customers.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ customers { totalCount } }' }),
    });
    expect(response.status).toBe(401);
    expect(firstError(await response.json())).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(firstError(await customers.create(customerInput(), null)).code).toBe('UNAUTHENTICATED');
    expect(firstError(await customers.get(id, null)).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret, or without a role', async () => {
    const forged = await signToken('someone-elses-secret-0123456789', { sub: 'mallory', role: 'admin' });
    const foreign = await graphql(customers.url, '{ customers { totalCount } }', {}, null, {
      authorization: `Bearer ${forged}`,
    });
    expect(firstError(foreign).code).toBe('UNAUTHENTICATED');
  });

  it('lets a viewer read but not write, and stores nothing for the refused writes', async () => {
    expect((await customers.get(id, 'viewer')).data!.customer).toMatchObject({ id });
    const before = await customers.count();
    expect(firstError(await customers.create(customerInput(), 'viewer')).code).toBe('FORBIDDEN');
    expect(firstError(await customers.update(id, { version: 1, name: 'Hacked' }, 'viewer')).code).toBe(
      'FORBIDDEN',
    );
    expect(firstError(await customers.archive(id, 'viewer')).code).toBe('FORBIDDEN');
    expect(await customers.count()).toBe(before);
    expect((await customers.get(id)).data!.customer).toMatchObject({ active: true, version: 1 });
  });

  it('lets an operator and an admin write', async () => {
    expect((await customers.create(customerInput(), 'operator')).errors).toBeUndefined();
    expect((await customers.create(customerInput(), 'admin')).errors).toBeUndefined();
    expect((await customers.update(id, { version: 1, name: 'Renamed' }, 'admin')).errors).toBeUndefined();
  });
});
