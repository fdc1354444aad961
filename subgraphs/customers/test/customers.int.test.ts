import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, firstError, startCustomersForTest, type CustomersUnderTest } from './support.ts';

describe('customers subgraph: create, read, update, archive', () => {
  let customers: CustomersUnderTest;
  beforeAll(async () => {
    customers = await startCustomersForTest();
  });
  afterAll(async () => customers?.close());

  it('creates a customer with normalised phone and country, and reads it back', async () => {
    const input = customerInput({
      name: '  Ada Lovelace ',
      phone: '+44 (20) 7946-0958',
      address: { line1: '12 St James Square', city: 'London', postalCode: 'SW1Y 4JH', country: 'gb' },
    });
    const created = await customers.create(input);
    expect(created.errors).toBeUndefined();
    const customer = created.data!.createCustomer;
    expect(customer).toMatchObject({
      name: 'Ada Lovelace',
      email: input.email,
      phone: '+442079460958',
      address: {
        line1: '12 St James Square',
        line2: null,
        city: 'London',
        postalCode: 'SW1Y 4JH',
        country: 'GB',
      },
      active: true,
      version: 1,
    });
    expect(customer.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(customer.createdAt).getTime()).not.toBeNaN();

    const read = await customers.get(customer.id);
    expect(read.errors).toBeUndefined();
    expect(read.data!.customer).toEqual(customer);
  });

  it('answers null for an unknown or malformed id', async () => {
    expect((await customers.get(crypto.randomUUID())).data!.customer).toBeNull();
    expect((await customers.get('not-a-uuid')).data!.customer).toBeNull();
  });

  it('updates only the given fields, bumps the version, and clears with null', async () => {
    const { id } = (await customers.create(customerInput())).data!.createCustomer;
    const updated = await customers.update(id, { version: 1, name: 'Grace Hopper', phone: null });
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCustomer).toMatchObject({ name: 'Grace Hopper', phone: null, version: 2 });
    expect(updated.data!.updateCustomer.address).toMatchObject({ city: 'London' });

    const again = await customers.update(id, { version: 2, address: null, active: false });
    expect(again.data!.updateCustomer).toMatchObject({ address: null, active: false, version: 3 });
  });

  it('refuses a stale version with CONFLICT naming the current version, and stores nothing', async () => {
    const { id } = (await customers.create(customerInput())).data!.createCustomer;
    await customers.update(id, { version: 1, name: 'First writer' });
    const stale = await customers.update(id, { version: 1, name: 'Second writer' });
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    expect(stale.errors?.[0]?.message).toContain('version 2');
    expect((await customers.get(id)).data!.customer).toMatchObject({ name: 'First writer', version: 2 });
  });

  it('lets exactly one of two concurrent updates of the same version win', async () => {
    const { id } = (await customers.create(customerInput())).data!.createCustomer;
    const results = await Promise.all(
      ['A', 'B', 'C'].map((name) => customers.update(id, { version: 1, name })),
    );
    const winners = results.filter((result) => !result.errors);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((result) => result.errors)) {
      expect(loser.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 2 });
    }
    expect((await customers.get(id)).data!.customer).toMatchObject({
      name: winners[0]!.data!.updateCustomer.name,
      version: 2,
    });
  });

  it('refuses a duplicate email, also differing only in case, on create and on update', async () => {
    const first = (await customers.create(customerInput({ email: 'Dup.Check@Example.com' }))).data!
      .createCustomer;
    const before = await customers.count();
    for (const email of ['Dup.Check@Example.com', 'dup.check@example.com', '  DUP.CHECK@EXAMPLE.COM ']) {
      expect(firstError(await customers.create(customerInput({ email })))).toEqual({
        code: 'CONFLICT',
        field: 'input.email',
      });
    }
    expect(await customers.count()).toBe(before);

    const other = (await customers.create(customerInput())).data!.createCustomer;
    const clash = await customers.update(other.id, { version: 1, email: 'DUP.check@example.com' });
    expect(firstError(clash)).toEqual({ code: 'CONFLICT', field: 'input.email' });
    expect((await customers.get(other.id)).data!.customer).toMatchObject({ email: other.email, version: 1 });

    // Changing only the case of one's own email is no clash.
    const own = await customers.update(first.id, { version: 1, email: 'dup.check@example.com' });
    expect(own.errors).toBeUndefined();
  });

  it('lets exactly one of concurrent creates with the same email (any case) succeed', async () => {
    const email = `race.${Date.now()}@example.com`;
    const before = await customers.count();
    const results = await Promise.all(
      [email, email.toUpperCase(), ` ${email}`, email].map((variant) =>
        customers.create(customerInput({ email: variant })),
      ),
    );
    expect(results.filter((result) => !result.errors)).toHaveLength(1);
    for (const loser of results.filter((result) => result.errors)) {
      expect(firstError(loser)).toEqual({ code: 'CONFLICT', field: 'input.email' });
    }
    expect(await customers.count()).toBe(before + 1);
  });

  it('archives with deleteCustomer, keeps the customer readable, and archiving twice is harmless', async () => {
    const { id } = (await customers.create(customerInput())).data!.createCustomer;
    const archived = await customers.archive(id);
    expect(archived.errors).toBeUndefined();
    expect(archived.data!.deleteCustomer).toMatchObject({ id, active: false, version: 2 });
    const twice = await customers.archive(id);
    expect(twice.errors).toBeUndefined();
    expect(twice.data!.deleteCustomer).toMatchObject({ id, active: false, version: 2 });
    expect((await customers.get(id)).data!.customer).toMatchObject({ active: false });
  });

  it('answers NOT_FOUND for an unknown id on update and delete', async () => {
    const unknown = crypto.randomUUID();
    expect(firstError(await customers.update(unknown, { version: 1, name: 'x' })).code).toBe('NOT_FOUND');
    expect(firstError(await customers.archive(unknown)).code).toBe('NOT_FOUND');
    expect(firstError(await customers.archive('nope')).code).toBe('NOT_FOUND');
  });
});
