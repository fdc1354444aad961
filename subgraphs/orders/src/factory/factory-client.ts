import type { ProductKind } from '#catalogue/products.ts';

export interface ProductionRequestLine {
  lineId: string;
  product: ProductKind;
  quantity: number;
  attributes: Record<string, unknown>;
}

export interface ProductionRequest {
  orderNumber: string;
  lines: ProductionRequestLine[];
  /** W3C traceparent of the order, carried to production and back in its completion. */
  traceparent?: string | null;
}

/** The production order made for each requested line. */
export type ProductionOrderRefs = { id: string; lineId: string }[];

/** One request's outcome in a batch: its receipt, or why that request alone failed. */
export type ProductionRequestOutcome =
  { orderNumber: string; productionOrders: ProductionOrderRefs } | { orderNumber: string; error: string };

/** The factory could not confirm (down, 5xx, or an error answer); the caller retries with backoff. */
export class FactoryUnavailableError extends Error {}

const SINGLE_REQUESTS_IN_FLIGHT = 8;

/** At most this many requests per call (CONTRACTS §1). */
export const MAX_REQUESTS_PER_CALL = 500;

export interface FactoryClient {
  /** Many orders' requests to one factory in one call; a batch-wide failure throws FactoryUnavailableError. */
  submitProductionRequests(
    factory: string,
    requests: readonly ProductionRequest[],
  ): Promise<ProductionRequestOutcome[]>;
}

const SUBMIT_MANY = `mutation ($factory: ID!, $requests: [ProductionRequestInput!]!) {
  submitProductionRequests(factory: $factory, requests: $requests) {
    orderNumber receipt { factory { id } productionOrders { id lineId } } error { code field message }
  }
}`;
const SUBMIT_ONE = `mutation ($factory: ID!, $input: ProductionRequestInput!) {
  submitProductionRequest(factory: $factory, input: $input) { factory { id } orderNumber productionOrders { id lineId } }
}`;

interface Receipt {
  factory: { id: string };
  productionOrders: ProductionOrderRefs;
}
type Answer = {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/**
 * The order service as a registered client of the factories (Basic
 * credentials), each factory at its own address. Requests are idempotent on
 * order number + line id, so a retry after a lost answer has no second
 * effect. A factory without the batch mutation yet (an older version) is
 * sent one request per order instead.
 */
export function createFactoryClient(options: {
  urlOf: (factory: string) => string;
  clientName: string;
  clientSecret: string;
  timeoutMs?: number;
}): FactoryClient {
  const authorization = `Basic ${Buffer.from(`${options.clientName}:${options.clientSecret}`).toString('base64')}`;
  const withoutBatch = new Set<string>();

  const post = async (factory: string, query: string, variables: Record<string, unknown>) => {
    let response: Response;
    try {
      response = await fetch(options.urlOf(factory), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new FactoryUnavailableError(`factory ${factory} is unreachable: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Answer;
    return { ok: response.ok, status: response.status, body };
  };

  // What is recorded from a receipt is what completions are checked against: it must be the asked factory's, for every line.
  const check = (factory: string, request: ProductionRequest, receipt: Receipt): ProductionRequestOutcome => {
    const confirmed = new Set(receipt.productionOrders.map((order) => order.lineId));
    if (receipt.factory?.id !== factory || request.lines.some((line) => !confirmed.has(line.lineId))) {
      return {
        orderNumber: request.orderNumber,
        error: `factory ${factory} answered with a receipt for other lines or another factory`,
      };
    }
    return { orderNumber: request.orderNumber, productionOrders: receipt.productionOrders };
  };

  const submitOne = async (
    factory: string,
    request: ProductionRequest,
  ): Promise<ProductionRequestOutcome> => {
    try {
      const input = { orderNumber: request.orderNumber, lines: request.lines };
      const { ok, status, body } = await post(factory, SUBMIT_ONE, { factory, input });
      const receipt = body.data?.submitProductionRequest as Receipt | undefined;
      if (!ok || !receipt) {
        const reason = body.errors?.[0]?.message ?? `HTTP ${status}`;
        return { orderNumber: request.orderNumber, error: `factory ${factory} did not confirm: ${reason}` };
      }
      return check(factory, request, receipt);
    } catch (error) {
      return { orderNumber: request.orderNumber, error: (error as Error).message };
    }
  };

  // One call per order would flood an older factory with a whole batch at once: a few in flight.
  const submitEach = async (factory: string, requests: readonly ProductionRequest[]) => {
    const outcomes: ProductionRequestOutcome[] = new Array(requests.length);
    let next = 0;
    const worker = async () => {
      for (let index = next++; index < requests.length; index = next++) {
        outcomes[index] = await submitOne(factory, requests[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(SINGLE_REQUESTS_IN_FLIGHT, requests.length) }, worker));
    return outcomes;
  };

  return {
    async submitProductionRequests(factory, requests) {
      if (withoutBatch.has(factory)) return submitEach(factory, requests);
      const { ok, status, body } = await post(factory, SUBMIT_MANY, {
        factory,
        requests: requests.map((request) => ({
          orderNumber: request.orderNumber,
          lines: request.lines,
          ...(request.traceparent ? { traceparent: request.traceparent } : {}),
        })),
      });
      const results = body.data?.submitProductionRequests as
        | {
            orderNumber: string;
            receipt: Receipt | null;
            error: { code: string; field?: string; message: string } | null;
          }[]
        | undefined;
      if (!results) {
        const error = body.errors?.[0];
        if (
          error?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED' &&
          /submitProductionRequests/.test(error.message)
        ) {
          withoutBatch.add(factory);
          return submitEach(factory, requests);
        }
        throw new FactoryUnavailableError(
          `factory ${factory} did not confirm: ${error?.message ?? `HTTP ${status}`}`,
        );
      }
      if (!ok || results.length !== requests.length) {
        throw new FactoryUnavailableError(
          `factory ${factory} answered ${results.length} of ${requests.length} requests`,
        );
      }
      return requests.map((request, index) => {
        const result = results[index]!;
        if (result.orderNumber !== request.orderNumber) {
          return { orderNumber: request.orderNumber, error: `factory ${factory} answered out of order` };
        }
        if (!result.receipt) {
          const why = result.error
            ? `${result.error.code}${result.error.field ? ` on ${result.error.field}` : ''}: ${result.error.message}`
            : 'no receipt';
          return { orderNumber: request.orderNumber, error: `factory ${factory} refused: ${why}` };
        }
        return check(factory, request, result.receipt);
      });
    },
  };
}
