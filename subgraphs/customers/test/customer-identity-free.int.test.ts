/**
 * Keeps schema/customers.graphql's @identityFree true: the gateway resolves a subscription event
 * once for every user of a role on its word. Every declared field is asked here as two users of
 * each role, for a customer, an archived one and an unknown id, and both must get the same answer.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { asTwoUsersOf, identityFreeFields, selectedFields } from '#kit/testing/identity-free.ts';
import { customerInput, startCustomersForTest, type CustomersUnderTest } from './support.ts';

const sdl = parse(readFileSync(new URL('../../../schema/customers.graphql', import.meta.url), 'utf8'));
const PROBES = [
  `query ($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on Customer { id name email active } }
  }`,
];

describe('customers: fields declared @identityFree', () => {
  let customers: CustomersUnderTest;
  let representations: { __typename: string; id: string }[];
  beforeAll(async () => {
    customers = await startCustomersForTest();
    const kept = (await customers.create(customerInput())).data!.createCustomer.id;
    const archived = (await customers.create(customerInput())).data!.createCustomer.id;
    await customers.archive(archived);
    representations = [kept, archived, crypto.randomUUID()].map((id) => ({ __typename: 'Customer', id }));
  });
  afterAll(async () => customers?.close());

  it('probes every declared field', () => {
    expect(identityFreeFields(sdl).length).toBeGreaterThan(0);
    expect(selectedFields(sdl, PROBES)).toEqual(expect.arrayContaining(identityFreeFields(sdl)));
  });

  it.each(['viewer', 'operator', 'admin'] as const)('answers two %s users the same', async (role) => {
    for (const probe of PROBES) {
      const [first, second] = await asTwoUsersOf(role, customers.url, probe, { representations });
      expect(first.errors).toBeUndefined();
      expect(first.data).toMatchObject({ _entities: [{ active: true }, { active: false }, null] });
      expect(second).toEqual(first);
    }
  });
});
