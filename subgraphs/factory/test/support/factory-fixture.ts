import { createHash } from 'node:crypto';
import { mongoDatabaseName, mongoUrl } from '#kit/testing/databases.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { startFactory, type Env } from '../../../../test/support/stack.ts';

export const CLIENT = { name: 'orders', secret: 'test-orders-secret-123' };

/** A stable UUID per label (line ids are UUIDs, as the order service makes them), so tests can name lines. */
export const lineUuid = (label: string | number) => {
  const hex = createHash('sha256').update(String(label)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const basic = (name: string, secret: string) =>
  `Basic ${Buffer.from(`${name}:${secret}`).toString('base64')}`;

/** A factory service on fresh databases, small polling intervals, and the test client registered. */
export async function startTestFactory(env: Env = {}) {
  const prefix = env.FACTORY_DB_PREFIX ?? `${mongoDatabaseName('factory')}_`;
  const service = await startFactory({
    MONGODB_URL: mongoUrl(),
    FACTORY_DB_PREFIX: prefix,
    FACTORY_BOOTSTRAP_CLIENT: `${CLIENT.name}:${CLIENT.secret}`,
    AGENDA_PROCESS_EVERY_MS: '100',
    AGENDA_LOCK_LIFETIME_MS: '2000',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_MAX_MS: '400',
    WEBHOOK_TIMEOUT_MS: '1000',
    ...env,
  });
  return { service, prefix, url: `${service.http.url}/graphql` };
}

export const SUBMIT = /* GraphQL */ `
  mutation Submit($factory: ID!, $input: ProductionRequestInput!) {
    submitProductionRequest(factory: $factory, input: $input) {
      factory {
        id
      }
      orderNumber
      productionOrders {
        id
        lineId
        status
        quantity
        attributes
        productionSeconds
        queuedAt
      }
    }
  }
`;

export interface LineInput {
  lineId: string;
  product: string;
  quantity: number;
  attributes?: unknown;
}

/** Submits as an API client (HTTP Basic), the way the order service does. */
export const submit = (
  url: string,
  factory: string,
  input: { orderNumber: string; lines: LineInput[] },
  authorization: string | null = basic(CLIENT.name, CLIENT.secret),
) =>
  graphql<{
    submitProductionRequest: {
      orderNumber: string;
      productionOrders: { id: string; lineId: string; status: string; quantity: number }[];
    };
  }>(url, SUBMIT, { factory, input }, null, authorization ? { authorization } : {});

export const SUBMIT_BATCH = /* GraphQL */ `
  mutation SubmitBatch($factory: ID!, $requests: [ProductionRequestInput!]!) {
    submitProductionRequests(factory: $factory, requests: $requests) {
      orderNumber
      receipt {
        orderNumber
        productionOrders {
          id
          lineId
          status
        }
      }
      error {
        code
        field
        message
      }
    }
  }
`;

export interface BatchResult {
  orderNumber: string;
  receipt: { orderNumber: string; productionOrders: { id: string; lineId: string; status: string }[] } | null;
  error: { code: string; field: string | null; message: string } | null;
}

/** Submits many requests in one call as an API client (HTTP Basic). */
export const submitBatch = (
  url: string,
  factory: string,
  requests: { orderNumber: string; lines: LineInput[]; traceparent?: string }[],
) =>
  graphql<{ submitProductionRequests: BatchResult[] }>(url, SUBMIT_BATCH, { factory, requests }, null, {
    authorization: basic(CLIENT.name, CLIENT.secret),
  });
