import { signToken } from '#kit/auth.ts';

/** What the orders service needs to know about a customer (the shape of `#clients/customers-client.ts`). */
export interface CustomerSummary {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

export interface CustomerLookup {
  getCustomer(id: string): Promise<CustomerSummary | null>;
  listActiveCustomerIds(limit?: number): Promise<string[]>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Asks the customers subgraph directly with a short-lived service token.
 * A stand-in until the shared `#clients/customers-client.ts` lands; same interface.
 */
export function createCustomerLookup(options: { url: string; jwtSecret: string }): CustomerLookup {
  const call = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const token = await signToken(options.jwtSecret, { sub: 'service:orders', role: 'viewer' }, '5m');
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new Error(`customers service: ${body.errors?.[0]?.message ?? `HTTP ${response.status}`}`);
    }
    return body.data;
  };
  return {
    async getCustomer(id) {
      if (!UUID.test(id)) return null;
      const data = await call<{ customer: CustomerSummary | null }>(
        'query ($id: ID!) { customer(id: $id) { id name email active } }',
        { id },
      );
      return data.customer;
    },
    async listActiveCustomerIds(limit = 100) {
      const data = await call<{ customers: { edges: { node: { id: string } }[] } }>(
        'query ($first: Int) { customers(active: true, first: $first) { edges { node { id } } } }',
        { first: limit },
      );
      return data.customers.edges.map((edge) => edge.node.id);
    },
  };
}
