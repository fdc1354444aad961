import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { graphql, type GraphQLResponse } from '#kit/testing/graphql-client.ts';
import type { Role } from '#kit/auth.ts';
import { startCustomers } from '../../../test/support/stack.ts';

export const CUSTOMER_FIELDS =
  'id name email phone address { line1 line2 city postalCode country } active createdAt updatedAt version';

export interface CustomerView {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  address: { line1: string; line2: string | null; city: string; postalCode: string; country: string } | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** A customers subgraph on its own fresh database, with typed helpers for the common operations. */
export async function startCustomersForTest() {
  const databaseUrl = await createPostgresDatabase('customers');
  const service = await startCustomers({ DATABASE_URL: databaseUrl });
  const url = `${service.http.url}/graphql`;
  const call = <T>(query: string, variables: Record<string, unknown> = {}, role: Role | null = 'operator') =>
    graphql<T>(url, query, variables, role);

  return {
    service,
    url,
    databaseUrl,
    call,
    close: () => service.close(),
    create: (input: Record<string, unknown>, role: Role | null = 'operator') =>
      call<{ createCustomer: CustomerView }>(
        `mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { ${CUSTOMER_FIELDS} } }`,
        { input },
        role,
      ),
    update: (id: string, input: Record<string, unknown>, role: Role | null = 'operator') =>
      call<{ updateCustomer: CustomerView }>(
        `mutation ($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, input: $input) { ${CUSTOMER_FIELDS} } }`,
        { id, input },
        role,
      ),
    archive: (id: string, role: Role | null = 'operator') =>
      call<{ deleteCustomer: CustomerView }>(
        `mutation ($id: ID!) { deleteCustomer(id: $id) { ${CUSTOMER_FIELDS} } }`,
        { id },
        role,
      ),
    get: (id: string, role: Role | null = 'viewer') =>
      call<{ customer: CustomerView | null }>(
        `query ($id: ID!) { customer(id: $id) { ${CUSTOMER_FIELDS} } }`,
        { id },
        role,
      ),
    count: async () => {
      const result = await call<{ customers: { totalCount: number } }>(
        '{ customers { totalCount } }',
        {},
        'viewer',
      );
      return result.data!.customers.totalCount;
    },
  };
}

export type CustomersUnderTest = Awaited<ReturnType<typeof startCustomersForTest>>;

/** The first error's code and field, the parts of an error a client relies on. */
export const firstError = (result: GraphQLResponse<unknown>) => ({
  code: result.errors?.[0]?.extensions?.code,
  field: result.errors?.[0]?.extensions?.field,
});

let counter = 0;
/** A valid create input, unique per call; override any field. */
export const customerInput = (overrides: Record<string, unknown> = {}) => {
  counter += 1;
  return {
    name: `Customer ${counter}`,
    email: `customer${counter}.${Date.now().toString(36)}@example.com`,
    phone: '+44 20 7946 0958',
    address: { line1: '1 High Street', line2: null, city: 'London', postalCode: 'SW1A 1AA', country: 'GB' },
    ...overrides,
  };
};
