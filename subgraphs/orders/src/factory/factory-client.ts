import type { ProductKind } from '#catalogue/products.ts';

export interface ProductionRequestLine {
  lineId: string;
  product: ProductKind;
  quantity: number;
  attributes: Record<string, unknown>;
}

export interface ProductionReceipt {
  factory: string;
  orderNumber: string;
  /** The production order made for each requested line. */
  productionOrders: { id: string; lineId: string }[];
}

/** The factory could not confirm (down, 5xx, or an error answer); the caller retries with backoff. */
export class FactoryUnavailableError extends Error {}

export interface FactoryClient {
  submitProductionRequest(
    factory: string,
    orderNumber: string,
    lines: ProductionRequestLine[],
  ): Promise<ProductionReceipt>;
}

const SUBMIT = `mutation ($factory: ID!, $input: ProductionRequestInput!) {
  submitProductionRequest(factory: $factory, input: $input) { factory { id } orderNumber productionOrders { id lineId } }
}`;

/**
 * The order service as a registered client of the factories (Basic
 * credentials). Requests are idempotent on order number + line id, so a
 * retry after a lost answer has no second effect.
 */
export function createFactoryClient(options: {
  url: string;
  clientName: string;
  clientSecret: string;
  timeoutMs?: number;
}): FactoryClient {
  const authorization = `Basic ${Buffer.from(`${options.clientName}:${options.clientSecret}`).toString('base64')}`;
  return {
    async submitProductionRequest(factory, orderNumber, lines) {
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ query: SUBMIT, variables: { factory, input: { orderNumber, lines } } }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new FactoryUnavailableError(`factory ${factory} is unreachable: ${(error as Error).message}`);
      }
      const body = (await response.json().catch(() => ({}))) as {
        data?: {
          submitProductionRequest: {
            factory: { id: string };
            productionOrders: { id: string; lineId: string }[];
          } | null;
        };
        errors?: { message: string }[];
      };
      const receipt = body.data?.submitProductionRequest;
      if (!response.ok || !receipt) {
        const reason = body.errors?.[0]?.message ?? `HTTP ${response.status}`;
        throw new FactoryUnavailableError(`factory ${factory} did not confirm: ${reason}`);
      }
      // What is recorded from a receipt is what completions are checked against: it must be the asked factory's, for every line.
      const confirmed = new Set(receipt.productionOrders.map((order) => order.lineId));
      if (receipt.factory?.id !== factory || lines.some((line) => !confirmed.has(line.lineId))) {
        throw new FactoryUnavailableError(
          `factory ${factory} answered with a receipt for other lines or another factory`,
        );
      }
      return { factory, orderNumber, productionOrders: receipt.productionOrders };
    },
  };
}
