/**
 * The factory benchmark's production requests, as the order service sends them: request i has
 * 1 to 5 widget lines (3 on average, every size equally often), its own order number and UUID
 * line ids. Loaded by the open-loop generator (`bodies`), so each request is made where it is sent.
 */
export const PRODUCTION_REQUEST = /* GraphQL */ `
  mutation ($input: ProductionRequestInput!) {
    submitProductionRequest(factory: "widgets", input: $input) {
      productionOrders {
        id
      }
    }
  }
`;

export const MEAN_LINES = 3;
export const linesOf = (i: number) => 1 + ((i * 3) % 5);

const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');

export function bodyFor(i: number): string {
  const lines = Array.from({ length: linesOf(i) }, (_, k) => ({
    lineId: `${hex(i, 8)}-${hex(k, 4)}-4000-8000-000000000000`,
    product: 'WIDGET',
    quantity: 1 + (k % 3),
    ...(k % 2 ? { attributes: { color: 'red' } } : {}),
  }));
  return JSON.stringify({
    query: PRODUCTION_REQUEST,
    variables: { input: { orderNumber: `FB-${i}`, lines } },
  });
}
