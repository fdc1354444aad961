import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '#kit/http.ts';
import { DEVELOPMENT_METRICS_TOKEN } from '#kit/metrics/metrics-route.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { parsePrometheusText, sampleValue, type Sample } from '#kit/testing/prometheus-text.ts';
import { freePort } from '#kit/ferretdb.ts';
import {
  collect,
  createCustomer,
  eventually,
  placeOrder,
  subscriptionClient,
} from '../../subgraphs/orders/test/support/orders-fixtures.ts';
import type { OutboxSink } from '../../subgraphs/orders/src/outbox/outbox-message.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

const scrape = async (base: string): Promise<Sample[]> => {
  const response = await fetch(`${base}/metrics`, {
    headers: { authorization: `Bearer ${DEVELOPMENT_METRICS_TOKEN}` },
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return parsePrometheusText(text);
};

/** An outbox sink that holds every batch until released: its backlog and oldest age can only grow. */
function heldSink(): OutboxSink & { release(): void } {
  let open = false;
  return {
    name: 'held',
    async deliver() {
      if (!open) throw new Error('held');
    },
    release: () => (open = true),
  };
}

/** The factory's webhook goes through here; the first attempt of each webhook is refused (a retry). */
async function refuseFirstWebhook(ordersPort: () => number): Promise<Listening> {
  const seen = new Set<string>();
  return listen(
    createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const id = String(req.headers['webhook-id']);
      if (!seen.has(id)) {
        seen.add(id);
        res.writeHead(503).end();
        return;
      }
      const forwarded = await fetch(`http://127.0.0.1:${ordersPort()}${req.url}`, {
        method: 'POST',
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(
            ([key]) => !['host', 'content-length', 'connection'].includes(key),
          ),
        ) as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      res.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(await forwarded.text());
    }),
    0,
  );
}

describe('/metrics on every service', () => {
  let stack: Supergraph;
  let webhookProxy: Listening;
  const sink = heldSink();
  beforeAll(async () => {
    const ordersPort = await freePort();
    webhookProxy = await refuseFirstWebhook(() => ordersPort);
    stack = await startSupergraph({
      all: { SIM_TIME_SCALE: '0.05' },
      ports: { customersPort: await freePort(), ordersPort, factoryPort: await freePort() },
      orders: { JOB_POLL_MS: '50', RANDOM_ORDERS_EVERY: 'off' },
      factory: {
        PRODUCTION_LINES: '1',
        WEBHOOK_RETRY_BASE_MS: '1500',
        ORDERS_WEBHOOK_URL: `${webhookProxy.url}/webhooks/production`,
      },
      ordersOptions: { sinks: [sink] },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await webhookProxy?.close();
  });

  it('refuses a scraper without the token', async () => {
    for (const base of [stack.gateway.http.url, stack.orders.http.url]) {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${base}/metrics`, {
        headers: { authorization: 'Bearer not-the-token-at-all' },
      });
      expect(wrong.status).toBe(401);
    }
  });

  it('shows each named metric moving as an order flows', async () => {
    const services = {
      gateway: stack.gateway.http.url,
      customers: stack.customers.http.url,
      orders: stack.orders.http.url,
      factory: stack.factory.http.url,
    };
    const before = {
      gateway: await scrape(services.gateway),
      orders: await scrape(services.orders),
      factory: await scrape(services.factory),
    };
    for (const samples of Object.values(before)) {
      expect(sampleValue(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    }
    expect(sampleValue(before.orders, 'factory_floor_orders', { status: 'COMPLETE' })).toBe(0);
    expect(sampleValue(before.orders, 'factory_floor_random_orders_enabled')).toBe(0);
    expect(sampleValue(before.factory, 'factory_floor_factory_lines', { factory: 'widgets' })).toBe(1);

    const customerId = await createCustomer(stack.url, 'Katherine Johnson');
    const client = subscriptionClient(stack.url);
    const updates = collect<{ orderUpdated: { status: string } }>(
      client,
      'subscription Watch { orderUpdated { number status } }',
    );
    await eventually(async () =>
      sampleValue(await scrape(services.gateway), 'graphql_gateway_subscriptions_active') === 1
        ? true
        : undefined,
    );
    const placed = await placeOrder(stack.url, {
      customerId,
      lines: [
        { product: 'WIDGET', quantity: 8, attributes: { color: 'red' } },
        { product: 'WIDGET', quantity: 8, attributes: { color: 'blue' } },
      ],
    });
    expect(placed.errors).toBeUndefined();

    // One line at a time: the second widget waits in the queue while the first is produced (8 × 2 s
    // × 0.05, under a second: long enough for a scrape on a loaded machine to see it, where one
    // widget's 0.1 s was missed).
    const busy = await eventually(async () => {
      const samples = await scrape(services.factory);
      const widgets = { factory: 'widgets' };
      return sampleValue(samples, 'factory_floor_factory_lines_busy', widgets) === 1 &&
        sampleValue(samples, 'factory_floor_factory_queue_depth', widgets) === 1
        ? samples
        : undefined;
    }, 20_000);
    expect(sampleValue(busy, 'factory_floor_production_orders_completed', { factory: 'widgets' })).toBe(0);
    // The first attempt of each webhook is refused: one waits for its retry.
    await eventually(async () =>
      sampleValue(await scrape(services.factory), 'factory_floor_webhook_retries_pending', {
        factory: 'widgets',
      }) >= 1
        ? true
        : undefined,
    );
    await eventually(async () => {
      const samples = await scrape(services.orders);
      return sampleValue(samples, 'factory_floor_orders', { status: 'COMPLETE' }) === 1 ? samples : undefined;
    }, 30_000);
    // The log sink catches up; VERIFIED, SCHEDULED and COMPLETE all wait for the held sink.
    const held = await eventually(async () => {
      const samples = await scrape(services.orders);
      return sampleValue(samples, 'factory_floor_outbox_backlog', { sink: 'log' }) === 0
        ? samples
        : undefined;
    });
    expect(sampleValue(held, 'factory_floor_outbox_backlog', { sink: 'held' })).toBe(3);
    expect(sampleValue(held, 'factory_floor_outbox_backlog', { sink: 'log' })).toBe(0);
    expect(sampleValue(held, 'factory_floor_outbox_oldest_age_seconds', { sink: 'held' })).toBeGreaterThan(0);
    expect(sampleValue(held, 'factory_floor_outbox_oldest_age_seconds', { sink: 'log' })).toBe(0);
    const factory = await scrape(services.factory);
    expect(sampleValue(factory, 'factory_floor_production_orders_completed', { factory: 'widgets' })).toBe(2);
    expect(sampleValue(factory, 'factory_floor_factory_lines_busy', { factory: 'widgets' })).toBe(0);
    expect(sampleValue(factory, 'factory_floor_webhook_retries_pending', { factory: 'widgets' })).toBe(0);

    sink.release();
    await eventually(async () =>
      sampleValue(await scrape(services.orders), 'factory_floor_outbox_backlog', { sink: 'held' }) === 0
        ? true
        : undefined,
    );
    const toggled = await graphql(
      stack.url,
      'mutation { setRandomOrders(enabled: true, every: "1 hour") { enabled } }',
    );
    expect(toggled.errors).toBeUndefined();
    expect(sampleValue(await scrape(services.orders), 'factory_floor_random_orders_enabled')).toBe(1);

    await eventually(() =>
      updates.events.some((e) => e.orderUpdated.status === 'COMPLETE') ? true : undefined,
    );
    const gateway = await scrape(services.gateway);
    const count = (samples: Sample[], name: string, labels: Record<string, string>) =>
      sampleValue(samples, `${name}_count`, labels);
    expect(
      count(gateway, 'graphql_envelop_request_duration', { operationType: 'mutation' }) -
        count(before.gateway, 'graphql_envelop_request_duration', { operationType: 'mutation' }),
    ).toBeGreaterThanOrEqual(2);
    for (const subgraphName of ['customers', 'orders'])
      expect(
        count(gateway, 'graphql_gateway_subgraph_execute_duration', { subgraphName }),
        subgraphName,
      ).toBeGreaterThan(count(before.gateway, 'graphql_gateway_subgraph_execute_duration', { subgraphName }));
    expect(sampleValue(gateway, 'graphql_gateway_subscription_events_total')).toBeGreaterThanOrEqual(3);
    expect(
      count(gateway, 'http_server_request_duration_seconds', { http_route: '/graphql' }),
    ).toBeGreaterThan(
      count(before.gateway, 'http_server_request_duration_seconds', { http_route: '/graphql' }),
    );
    const orders = await scrape(services.orders);
    expect(
      count(orders, 'http_server_request_duration_seconds', {
        http_route: '/webhooks/production/:factory',
        http_response_status_code: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(orders, 'graphql_envelop_request_duration', { operationType: 'mutation' }),
    ).toBeGreaterThanOrEqual(1);
    // Every series the Grafana dashboard queries is one the services expose.
    const exposition = await Promise.all(
      Object.values(services).map(async (base) => {
        const response = await fetch(`${base}/metrics`, {
          headers: { authorization: `Bearer ${DEVELOPMENT_METRICS_TOKEN}` },
        });
        return response.text();
      }),
    );
    // Declared by `# TYPE` (a labelled counter never incremented has no sample yet), with a histogram's series.
    const exposed = new Set(
      [...exposition.join('\n').matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
        type === 'histogram' ? [name!, `${name}_bucket`, `${name}_count`, `${name}_sum`] : [name!],
      ),
    );
    const dashboard = readFileSync(
      new URL('../../deploy/grafana/factory-floor.json', import.meta.url),
      'utf8',
    );
    const queried = [
      ...dashboard.matchAll(/\b((?:http_server|graphql|factory_floor|process|nodejs)_[a-z0-9_]+)[{[)]/g),
    ].map(([, name]) => name!);
    expect(queried.length).toBeGreaterThan(20);
    expect([...new Set(queried)].filter((name) => !exposed.has(name))).toEqual([]);
    await client.dispose();
    await eventually(async () =>
      sampleValue(await scrape(services.gateway), 'graphql_gateway_subscriptions_active') === 0
        ? true
        : undefined,
    );
  });
});
