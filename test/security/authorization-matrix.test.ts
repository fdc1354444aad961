import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '#kit/auth.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';
import { TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { openRawSocket } from '../support/raw-socket.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';
import {
  asConnectionParams,
  CREDENTIALS,
  gatewayHeaders,
  ROLE_CREDENTIALS,
  subgraphHeaders,
  type Credential,
} from './support/credentials.ts';
import { rootOperations, type RootOperation } from './support/operations.ts';

/**
 * The weakest role each public operation needs (viewer reads, operator runs
 * customers and orders, admin everything). An operation missing here fails
 * the first test: adding one to the schema means deciding who may call it.
 */
const MIN_ROLE: Record<string, Role> = {
  'query customer': 'viewer',
  'query customers': 'viewer',
  'query factories': 'viewer',
  'query factory': 'viewer',
  'query products': 'viewer',
  'query productionOrders': 'viewer',
  'query failedWebhookDeliveries': 'viewer',
  'query order': 'viewer',
  'query orders': 'viewer',
  'query randomOrders': 'viewer',
  'query orderStats': 'viewer',
  'mutation createCustomer': 'operator',
  'mutation updateCustomer': 'operator',
  'mutation deleteCustomer': 'operator',
  'mutation placeOrder': 'operator',
  'mutation setRandomOrders': 'admin',
  'subscription orderUpdated': 'viewer',
};
const keyOf = (operation: RootOperation) => `${operation.kind} ${operation.field}`;

/** The first error code of one call ('OK' when none), over HTTP or, for a subscription, graphql-ws. */
async function outcome(url: string, operation: RootOperation, headers: Record<string, string>) {
  if (operation.kind === 'subscription') {
    const { socket, acknowledged } = await openRawSocket(url, asConnectionParams(headers));
    if (!acknowledged) {
      const { code } = await socket.closed;
      return code === 4401 ? 'UNAUTHENTICATED' : code === 4403 ? 'FORBIDDEN' : `closed ${code}`;
    }
    socket.subscribe('1', operation.query, operation.variables);
    await new Promise((resolve) => setTimeout(resolve, 150));
    socket.close();
    const answer = socket.messages.find((message) => message.id === '1');
    if (answer?.type !== 'error' && answer?.type !== 'next') return 'OK';
    const errors = (
      answer.type === 'error' ? answer.payload : (answer.payload as { errors?: unknown }).errors
    ) as { extensions?: { code?: string } }[] | undefined;
    return errors?.[0]?.extensions?.code ?? 'OK';
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return body.errors?.[0]?.extensions?.code ?? 'OK';
}

/** What the gateway must answer `credential` for `operation`. */
function expected(operation: RootOperation, credential: Credential): (code: string) => boolean {
  if (!(ROLE_CREDENTIALS as readonly string[]).includes(credential))
    return (code) => code === 'UNAUTHENTICATED';
  const allowed = ROLES.indexOf(credential as Role) >= ROLES.indexOf(MIN_ROLE[keyOf(operation)]!);
  // Allowed callers may still get BAD_USER_INPUT or NOT_FOUND for the placeholder arguments.
  return allowed
    ? (code) => !['UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR'].includes(code)
    : (code) => code === 'FORBIDDEN';
}

describe('authorization matrix generated from the supergraph (issue 11)', () => {
  let stack: Supergraph;
  let subgraphUrls: Record<string, string>;
  const operations = rootOperations();
  let cases = 0;
  beforeAll(async () => {
    stack = await startSupergraph({ orders: { RANDOM_ORDERS_EVERY: 'off' } });
    subgraphUrls = {
      customers: `${stack.customers.http.url}/graphql`,
      orders: `${stack.orders.http.url}/graphql`,
      factory: `${stack.factory.http.url}/graphql`,
    };
  });
  afterAll(async () => {
    const size = operations.length * CREDENTIALS.length * 2;
    console.log(
      `authorization matrix: ${operations.length} operations x ${CREDENTIALS.length} credentials x 2 entry points (gateway, the owning subgraph directly) = ${size}; cases run: ${cases}`,
    );
    await stack?.close();
  });

  it('knows the role of every public operation of the supergraph', () => {
    expect(operations.length).toBeGreaterThanOrEqual(17);
    expect(operations.map(keyOf).filter((key) => !(key in MIN_ROLE))).toEqual([]);
    expect(operations.map((operation) => operation.subgraph)).not.toContain('unknown');
  });

  it('through the gateway: bad credentials are UNAUTHENTICATED, weaker roles FORBIDDEN, the rest served', async () => {
    const wrong: string[] = [];
    for (const operation of operations) {
      for (const credential of CREDENTIALS) {
        const code = await outcome(stack.url, operation, await gatewayHeaders(credential));
        cases += 1;
        if (!expected(operation, credential)(code))
          wrong.push(`${keyOf(operation)} as ${credential}: ${code}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('directly at the owning subgraph: every user credential is refused, the gateway identity served', async () => {
    const wrong: string[] = [];
    for (const operation of operations) {
      const url = subgraphUrls[operation.subgraph]!;
      for (const credential of CREDENTIALS) {
        const code = await outcome(url, operation, await subgraphHeaders(credential, operation.subgraph));
        cases += 1;
        if (code !== 'UNAUTHENTICATED')
          wrong.push(`${keyOf(operation)} at ${operation.subgraph} as ${credential}: ${code}`);
      }
      // The control: the same call with the identity the gateway signs is not refused for who it is.
      const identity = await signGatewayIdentity(
        TEST_SERVICE_TOKEN_SECRET,
        { sub: 'matrix-admin', role: 'admin' },
        operation.subgraph,
      );
      const served = await outcome(url, operation, { [IDENTITY_HEADER]: identity });
      if (['UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR'].includes(served)) {
        wrong.push(`${keyOf(operation)} at ${operation.subgraph} with the gateway's identity: ${served}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
