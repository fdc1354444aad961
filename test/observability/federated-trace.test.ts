import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdownTelemetry } from '#kit/telemetry/shutdown.ts';
import { spanTree } from '#kit/testing/span-tree.ts';
import { recordSpans, serviceLabeller } from './trace-support.ts';

const exporter = recordSpans();
// After the SDK: the services' modules must load with the instrumentations in place.
const { startSupergraph } = await import('../support/stack.ts');
const { graphql } = await import('#kit/testing/graphql-client.ts');

describe('a federated query is one trace', () => {
  let stack: Awaited<ReturnType<typeof startSupergraph>>;
  beforeAll(async () => {
    stack = await startSupergraph();
  });
  afterAll(async () => {
    await stack?.close();
    await shutdownTelemetry();
  });

  it('from the gateway through customers, orders and factory', async () => {
    const created = await graphql<{ createCustomer: { id: string } }>(
      stack.url,
      'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      { input: { name: 'Grace Hopper', email: 'grace@example.com' } },
      'operator',
    );
    exporter.reset();
    const result = await graphql(
      stack.url,
      'query Floor($id: ID!) { customer(id: $id) { name orders { totalCount } } factories { id queued } }',
      { id: created.data!.createCustomer.id },
      'viewer',
    );
    expect(result.errors).toBeUndefined();

    // Spans are exported as they end, once the resource's attributes have settled: wait for the outermost.
    await expect
      .poll(() =>
        exporter
          .getFinishedSpans()
          .some(
            (span) =>
              span.kind === SpanKind.SERVER && span.attributes['server.port'] === stack.gateway.http.port,
          ),
      )
      .toBe(true);
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.name === 'gateway.request');
    expect(request, 'the gateway emits its request span').toBeDefined();
    const traceId = request!.spanContext().traceId;
    const trace = spans.filter((span) => span.spanContext().traceId === traceId);
    expect(new Set(spans.map((span) => span.spanContext().traceId))).toEqual(new Set([traceId]));

    const names = trace.map((span) => span.name);
    for (const name of ['gateway.validate', 'gateway.plan', 'gateway.execute']) expect(names).toContain(name);
    const fetched = trace
      .filter((span) => span.name === 'gateway.fetch')
      .map((span) => span.attributes.service);
    expect(fetched.sort()).toEqual(['customers', 'factory', 'orders']);

    const serviceOf = serviceLabeller(trace, {
      gateway: stack.gateway.http.port,
      customers: stack.customers.http.port,
      orders: stack.orders.http.port,
      factory: stack.factory.http.port,
    });
    const servers = trace.filter((span) => span.kind === SpanKind.SERVER).map(serviceOf);
    expect(servers.sort()).toEqual(['customers', 'factory', 'gateway', 'orders']);
    // Each subgraph ran its GraphQL operation, and its database work, inside the request's trace.
    for (const service of ['customers', 'orders', 'factory']) {
      const own = trace.filter((span) => serviceOf(span) === service);
      expect(
        own.some((span) => span.attributes['graphql.operation.type'] === 'query'),
        `${service} GraphQL execution`,
      ).toBe(true);
      expect(
        own.some((span) => span.attributes['db.system.name'] !== undefined),
        `${service} database spans`,
      ).toBe(true);
    }
    console.log(`one federated query:\n${spanTree(trace, { label: serviceOf })}`);
  });
});
