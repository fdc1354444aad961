import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { graphql } from '#kit/testing/graphql-client.ts';
import { bearer, gatewayIdentity } from '#kit/testing/tokens.ts';

/** Fixture builders for the orders tests: customers, placements, subscriptions. */
export async function createCustomer(customersUrl: string, name = 'Ada Lovelace'): Promise<string> {
  const email = `${name.toLowerCase().replaceAll(' ', '.')}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const result = await graphql<{ createCustomer: { id: string } }>(
    customersUrl,
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    { input: { name, email } },
    'operator',
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.createCustomer.id;
}

export async function archiveCustomer(customersUrl: string, id: string): Promise<void> {
  const result = await graphql(
    customersUrl,
    'mutation ($id: ID!) { deleteCustomer(id: $id) { id } }',
    { id },
    'operator',
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
}

export const ORDER_FIELDS = `number status source placedAt scheduledAt completedAt version
  lines { id product quantity attributes factory status completedAt productionOrder { id } }
  history { status at note }`;

export interface OrderView {
  number: string;
  status: string;
  source: string;
  placedAt: string;
  scheduledAt: string | null;
  completedAt: string | null;
  version: number;
  lines: {
    id: string;
    product: string;
    quantity: number;
    attributes: Record<string, unknown>;
    factory: string;
    status: string;
    completedAt: string | null;
    productionOrder: { id: string } | null;
  }[];
  history: { status: string; at: string; note: string | null }[];
}

export const PLACE_ORDER = `mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`;

export async function placeOrder(
  url: string,
  input: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return graphql<{ placeOrder: OrderView }>(url, PLACE_ORDER, { input }, 'operator', headers);
}

export async function readOrder(url: string, number: string) {
  const result = await graphql<{ order: OrderView | null }>(
    url,
    `query ($n: String!) { order(number: $n) { ${ORDER_FIELDS} } }`,
    { n: number },
    'viewer',
  );
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.order;
}

/** A graphql-ws client on `httpUrl` (http://host/graphql), as a viewer (gateway or orders). */
export function subscriptionClient(httpUrl: string): Client {
  return createClient({
    url: httpUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    // The user's token for the gateway, the identity the gateway would sign for the orders subgraph.
    connectionParams: async () => ({
      authorization: await bearer('viewer'),
      identity: await gatewayIdentity('viewer'),
    }),
    retryAttempts: 0,
  });
}

/** Collects every event of a subscription until `stop()` is called. */
export function collect<T>(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: T[] = [];
  const errors: unknown[] = [];
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        if (value.errors) errors.push(value.errors);
        if (value.data) events.push(value.data as T);
      },
      error: (error) => errors.push(error),
      complete: () => {},
    },
  );
  return { events, errors, stop: dispose };
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`, { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
