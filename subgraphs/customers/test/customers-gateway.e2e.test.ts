import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import type { Role } from '#kit/auth.ts';
import { startSupergraph, type Supergraph } from '../../../test/support/stack.ts';
import { CUSTOMER_FIELDS, customerInput, firstError, type CustomerView } from './support.ts';

describe('customers through the gateway', () => {
  let stack: Supergraph;
  const call = <T>(query: string, variables: Record<string, unknown>, role: Role | null) =>
    graphql<T>(stack.url, query, variables, role);
  const create = (input: Record<string, unknown>, role: Role | null) =>
    call<{ createCustomer: CustomerView }>(
      `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { ${CUSTOMER_FIELDS} } }`,
      { input },
      role,
    );
  beforeAll(async () => {
    stack = await startSupergraph();
  });
  afterAll(async () => stack?.close());

  it('lets an operator create, update and archive, and a viewer list and read', async () => {
    const created = await create(customerInput({ name: 'Gateway Customer' }), 'operator');
    expect(created.errors).toBeUndefined();
    const { id } = created.data!.createCustomer;

    const updated = await call<{ updateCustomer: CustomerView }>(
      'mutation ($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { name version } }',
      { id, input: { version: 1, name: 'Renamed Through Gateway' } },
      'operator',
    );
    expect(updated.data?.updateCustomer).toEqual({ name: 'Renamed Through Gateway', version: 2 });

    const archived = await call<{ deleteCustomer: CustomerView }>(
      'mutation ($id: ID!) { deleteCustomer(id: $id) { active } }',
      { id },
      'operator',
    );
    expect(archived.data?.deleteCustomer).toEqual({ active: false });

    const read = await call<{ customer: CustomerView }>(
      `query ($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`,
      { id },
      'viewer',
    );
    expect(read.data?.customer).toMatchObject({
      id,
      name: 'Renamed Through Gateway',
      active: false,
      version: 3,
    });

    const listed = await call<{ customers: { totalCount: number; edges: { node: { id: string } }[] } }>(
      '{ customers(search: "through gateway") { totalCount edges { node { id } } } }',
      {},
      'viewer',
    );
    expect(listed.data?.customers).toEqual({ totalCount: 1, edges: [{ node: { id } }] });
  });

  it('refuses writes from a viewer and everything from a caller without a token', async () => {
    expect(firstError(await create(customerInput(), 'viewer')).code).toBe('FORBIDDEN');
    expect(firstError(await create(customerInput(), null)).code).toBe('UNAUTHENTICATED');
    expect(firstError(await call('{ customers { totalCount } }', {}, null)).code).toBe('UNAUTHENTICATED');
  });

  it('passes validation and conflict errors through with their code and field', async () => {
    const bad = await create(
      customerInput({ address: { line1: 'x', city: 'y', postalCode: '!', country: 'GB' } }),
      'operator',
    );
    expect(firstError(bad)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.address.postalCode' });
    const email = `twice.${Date.now()}@example.com`;
    expect((await create(customerInput({ email }), 'operator')).errors).toBeUndefined();
    expect(firstError(await create(customerInput({ email: email.toUpperCase() }), 'operator'))).toEqual({
      code: 'CONFLICT',
      field: 'input.email',
    });
  });
});
