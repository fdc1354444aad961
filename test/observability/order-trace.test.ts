import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shutdownTelemetry } from '#kit/telemetry/shutdown.ts';
import { spanTree } from '#kit/testing/span-tree.ts';
import { recordSpans, serviceLabeller } from './trace-support.ts';

const exporter = recordSpans();
// After the SDK: the services' modules must load with the instrumentations in place.
const { startSupergraph } = await import('../support/stack.ts');
const { graphql } = await import('#kit/testing/graphql-client.ts');
const { collect, createCustomer, eventually, subscriptionClient } =
  await import('../../subgraphs/orders/test/support/orders-fixtures.ts');

const traceOf = (span: ReadableSpan) => span.spanContext().traceId;

describe('one order, placement to COMPLETE, is one trace with its asynchronous legs linked', () => {
  let stack: Awaited<ReturnType<typeof startSupergraph>>;
  beforeAll(async () => {
    stack = await startSupergraph({
      all: { SIM_TIME_SCALE: '0.02' },
      orders: { JOB_POLL_MS: '50', RANDOM_ORDERS_EVERY: 'off' },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await shutdownTelemetry();
  });

  it('placement → scheduling → production request → production → webhook → COMPLETE', async () => {
    const customerId = await createCustomer(stack.url, 'Mary Jackson');
    const client = subscriptionClient(stack.url);
    const updates = collect<{ orderUpdated: { number: string; status: string; customer: { name: string } } }>(
      client,
      'subscription Watch { orderUpdated { number status customer { name } } }',
    );
    await eventually(() => (stack.gateway.subscriptions().connected === 1 ? true : undefined));
    const placed = await graphql<{ placeOrder: { number: string } }>(
      stack.url,
      'mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
      {
        input: {
          customerId,
          lines: [
            { product: 'WIDGET', quantity: 1, attributes: { color: 'red' } },
            { product: 'GIZMO', quantity: 1, attributes: { material: 'brass' } },
          ],
        },
      },
      'operator',
    );
    expect(placed.errors).toBeUndefined();
    const number = placed.data!.placeOrder.number;
    await eventually(
      () =>
        updates.events.some((e) => e.orderUpdated.number === number && e.orderUpdated.status === 'COMPLETE')
          ? true
          : undefined,
      30_000,
    );

    // The placement's trace: the one with the placeOrder resolver in it.
    const placement = await eventually(() =>
      exporter.getFinishedSpans().find((span) => span.name === 'graphql.resolve placeOrder'),
    );
    const legs = [
      'order.production_request',
      'factory.production',
      'order.completion_webhook',
      'order.completion_recorded',
      'order.outbox_delivered',
    ];
    const trace = await eventually(() => {
      const spans = exporter.getFinishedSpans().filter((span) => traceOf(span) === traceOf(placement));
      const names = spans.map((span) => span.name);
      // Two lines in two factories: each leg twice; the outbox has VERIFIED, SCHEDULED and COMPLETE for the log sink.
      const delivered = new Set(
        spans
          .filter((span) => span.name === 'order.outbox_delivered')
          .map((span) => span.attributes['order.status']),
      );
      const complete = ['VERIFIED', 'SCHEDULED', 'COMPLETE'].every((status) => delivered.has(status));
      return complete && legs.every((leg) => names.filter((name) => name === leg).length >= 2)
        ? spans
        : undefined;
    }, 20_000);
    const all = exporter.getFinishedSpans();
    const byId = new Map(all.map((span) => [span.spanContext().spanId, span]));
    const ports = {
      gateway: stack.gateway.http.port,
      customers: stack.customers.http.port,
      orders: stack.orders.http.port,
      factory: stack.factory.http.port,
    };
    const serviceOf = serviceLabeller(all, ports);

    // Each leg in the order's trace is linked to the batch that did the work, and that batch's HTTP call
    // reached the other service in the batch's own trace.
    const batchOf = (leg: string) =>
      trace
        .filter((span) => span.name === leg)
        .map((span) => byId.get(span.links[0]?.context.spanId ?? ''))
        .filter((span): span is ReadableSpan => span !== undefined);
    const reached = (batch: ReadableSpan, service: keyof typeof ports) =>
      all.some(
        (span) =>
          traceOf(span) === traceOf(batch) && span.kind === SpanKind.SERVER && serviceOf(span) === service,
      );
    const requests = batchOf('order.production_request');
    expect(requests).toHaveLength(2);
    for (const batch of requests) expect(reached(batch, 'factory')).toBe(true);
    const webhooks = batchOf('order.completion_webhook');
    expect(webhooks).toHaveLength(2);
    for (const batch of webhooks) expect(reached(batch, 'orders')).toBe(true);
    expect(batchOf('order.completion_recorded')).toHaveLength(2);
    // Production ran for its (scaled) time, between the request and the webhook.
    for (const production of trace.filter((span) => span.name === 'factory.production'))
      expect(production.duration[0] * 1e3 + production.duration[1] / 1e6).toBeGreaterThan(10);
    const delivered = trace.filter((span) => span.name === 'order.outbox_delivered');
    expect(delivered.map((span) => span.attributes['order.status'])).toEqual(
      expect.arrayContaining(['VERIFIED', 'SCHEDULED', 'COMPLETE']),
    );

    // Each subscription event's resolution at the gateway is a span, with its customers fetch under it.
    const events = all.filter((span) => span.name === 'gateway.subscription.event');
    expect(events.length).toBeGreaterThanOrEqual(3);
    const under = (span: ReadableSpan, ancestor: ReadableSpan): boolean => {
      const parent = byId.get(span.parentSpanContext?.spanId ?? '');
      return parent !== undefined && (parent === ancestor || under(parent, ancestor));
    };
    expect(
      events.some((event) => all.some((span) => span.name === 'gateway.fetch' && under(span, event))),
    ).toBe(true);

    await client.dispose();
    console.log(`order ${number}:\n${spanTree(trace, { label: serviceOf, linked: all })}`);
  });
});
