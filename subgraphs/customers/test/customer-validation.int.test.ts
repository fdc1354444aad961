import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, firstError, startCustomersForTest, type CustomersUnderTest } from './support.ts';

const address = { line1: '1 High Street', city: 'London', postalCode: 'SW1A 1AA', country: 'GB' };

/** [what is wrong, the create input, the field the error must name] */
const badCreates: [string, Record<string, unknown>, string][] = [
  ['empty name', { name: '   ' }, 'input.name'],
  ['name too long', { name: 'x'.repeat(201) }, 'input.name'],
  ['email without @', { email: 'not-an-email' }, 'input.email'],
  ['email without domain', { email: 'ada@' }, 'input.email'],
  ['email too long', { email: `${'a'.repeat(64)}@${'b'.repeat(260)}.com` }, 'input.email'],
  ['phone without country code', { phone: '020 7946 0958' }, 'input.phone'],
  ['phone with letters', { phone: '+44 20 CALL ME' }, 'input.phone'],
  ['phone too short', { phone: '+44 12' }, 'input.phone'],
  ['empty address line1', { address: { ...address, line1: '' } }, 'input.address.line1'],
  ['address line2 too long', { address: { ...address, line2: 'x'.repeat(201) } }, 'input.address.line2'],
  ['empty city', { address: { ...address, city: ' ' } }, 'input.address.city'],
  ['postal code with symbols', { address: { ...address, postalCode: '$$$' } }, 'input.address.postalCode'],
  [
    'postal code too long',
    { address: { ...address, postalCode: '1'.repeat(17) } },
    'input.address.postalCode',
  ],
  ['country not ISO', { address: { ...address, country: 'XX' } }, 'input.address.country'],
  ['country alpha-3', { address: { ...address, country: 'GBR' } }, 'input.address.country'],
  ['country reserved, not assigned', { address: { ...address, country: 'EU' } }, 'input.address.country'],
  ['unknown field', { nickname: 'Ada' }, 'input.nickname'],
  ['unknown address field', { address: { ...address, county: 'Kent' } }, 'input.address.county'],
  [
    'missing address field',
    { address: { line1: 'x', city: 'y', country: 'GB' } },
    'input.address.postalCode',
  ],
  ['name of the wrong type', { name: 42 }, 'input.name'],
];

describe('customers subgraph: every bad input is BAD_USER_INPUT naming the field, and stores nothing', () => {
  let customers: CustomersUnderTest;
  let existing: { id: string; version: number };
  beforeAll(async () => {
    customers = await startCustomersForTest();
    existing = (await customers.create(customerInput())).data!.createCustomer;
  });
  afterAll(async () => customers?.close());

  it.each(badCreates)('createCustomer refuses %s', async (_what, overrides, field) => {
    const before = await customers.count();
    const result = await customers.create(customerInput(overrides));
    expect(firstError(result)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(result.errors![0]!.message).toContain(field.split('.').pop());
    expect(await customers.count()).toBe(before);
  });

  const badUpdates: [string, Record<string, unknown>, string][] = [
    ['a version below 1', { version: 0, name: 'x' }, 'input.version'],
    ['a null name', { version: 1, name: null }, 'input.name'],
    ['a null email', { version: 1, email: null }, 'input.email'],
    ['a bad email', { version: 1, email: 'nope' }, 'input.email'],
    ['a bad phone', { version: 1, phone: '12' }, 'input.phone'],
    ['a bad country', { version: 1, address: { ...address, country: 'ZZ' } }, 'input.address.country'],
    ['a null active', { version: 1, active: null }, 'input.active'],
    ['an unknown field', { version: 1, colour: 'red' }, 'input.colour'],
    ['no version', { name: 'x' }, 'input.version'],
  ];

  it.each(badUpdates)('updateCustomer refuses %s and changes nothing', async (_what, input, field) => {
    const result = await customers.update(existing.id, input);
    expect(firstError(result)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect((await customers.get(existing.id)).data!.customer).toMatchObject({ version: existing.version });
  });

  const badLists: [string, Record<string, unknown>, string][] = [
    ['first above 100', { first: 101 }, 'first'],
    ['negative first', { first: -1 }, 'first'],
    ['a made-up cursor', { after: 'bm90LWEtY3Vyc29y' }, 'after'],
    ['a cursor that is not base64 JSON', { after: '%%%' }, 'after'],
    ['a search too long', { search: 'x'.repeat(201) }, 'search'],
  ];

  it.each(badLists)('customers refuses %s', async (_what, variables, field) => {
    const result = await customers.call(
      'query ($first: Int, $after: String, $search: String) { customers(first: $first, after: $after, search: $search) { totalCount } }',
      { first: 20, ...variables },
      'viewer',
    );
    expect(firstError(result)).toEqual({ code: 'BAD_USER_INPUT', field });
  });
});
