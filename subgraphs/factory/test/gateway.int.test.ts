import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_OF_FACTORY, PRODUCTS } from '#catalogue/products.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { startSupergraph, type Supergraph } from '../../../test/support/stack.ts';
import { basic, submit, lineUuid } from './support/factory-fixture.ts';
import { waitFor } from './support/wait.ts';

const FACTORIES = /* GraphQL */ `
  {
    factories {
      id
      name
      productionLines
      queued
      inProduction
      completed
      product {
        sku
        name
        attributes {
          name
          default
        }
      }
    }
  }
`;

interface FactoryRow {
  id: 'widgets' | 'gadgets' | 'gizmos';
  queued: number;
  inProduction: number;
  completed: number;
  [field: string]: unknown;
}

let stack: Supergraph;
beforeAll(async () => {
  stack = await startSupergraph({ factory: { PRODUCTION_LINES: '2', PRODUCTION_LINES_GIZMOS: '3' } });
  await stack.factory.factories.get('widgets')!.clients.register('gateway-test', 'gateway-test-secret');
});
afterAll(async () => stack?.close());

const factories = async () => {
  const { data, errors } = await graphql<{ factories: FactoryRow[] }>(stack.url, FACTORIES, {}, 'viewer');
  expect(errors).toBeUndefined();
  return data!.factories;
};

describe('factories through the gateway', () => {
  it('answers for all three factories with their product and capacity', async () => {
    const rows = await factories();
    expect(rows.map((row) => row.id).sort()).toEqual(['gadgets', 'gizmos', 'widgets']);
    for (const row of rows) {
      const product = PRODUCTS[PRODUCT_OF_FACTORY[row.id]];
      expect(row).toEqual({
        id: row.id,
        name: stack.factory.factories.get(row.id)!.name,
        productionLines: row.id === 'gizmos' ? 3 : 2,
        queued: 0,
        inProduction: 0,
        completed: 0,
        product: {
          sku: product.sku,
          name: product.name,
          attributes: product.attributes.map((spec) => ({ name: spec.name, default: spec.default })),
        },
      });
    }
  });

  it('shows live counts once a factory has produced', async () => {
    const auth = basic('gateway-test', 'gateway-test-secret');
    const lines = [1, 2, 3].map((i) => ({ lineId: lineUuid(i), product: 'WIDGET', quantity: 1 }));
    const { errors } = await submit(
      stack.factory.http.url + '/graphql',
      'widgets',
      {
        orderNumber: 'ORD-GW',
        lines,
      },
      auth,
    );
    expect(errors).toBeUndefined();
    const widgets = await waitFor('three completions on the gateway', async () => {
      const row = (await factories()).find((r) => r.id === 'widgets')!;
      return row.completed === 3 ? row : null;
    });
    expect(widgets).toMatchObject({ queued: 0, inProduction: 0, completed: 3 });
    const others = (await factories()).filter((r) => r.id !== 'widgets');
    expect(others.map((r) => r.completed + r.queued + r.inProduction)).toEqual([0, 0]);
  });

  it('refuses a caller without a token', async () => {
    const { errors } = await graphql(stack.url, FACTORIES, {}, null);
    expect(errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
