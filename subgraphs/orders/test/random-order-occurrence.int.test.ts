import { Job } from 'agenda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '#kit/testing/graphql-client.ts';
import type { OrdersService } from '../src/app.ts';
import { JOBS } from '../src/jobs/job-names.ts';
import { createCustomer } from './support/orders-fixtures.ts';
import { startOrdersProcess, startOrdersWithCustomers } from './support/orders-stack.ts';

type Stack = Awaited<ReturnType<typeof startOrdersWithCustomers>>;

/**
 * Two order-service processes share one Agenda collection. On FerretDB 1.24
 * both may lock the same occurrence; this builds that case on purpose: each
 * process runs the job from the same locked snapshot, as a double lock does.
 */
describe('a random-order occurrence run twice', () => {
  let stack: Stack;
  let second: OrdersService;
  beforeAll(async () => {
    // An hour apart: nothing runs on its own during the test.
    stack = await startOrdersWithCustomers({ RANDOM_ORDERS_EVERY: '1 hour' });
    second = await startOrdersProcess(stack.shared);
    await createCustomer(stack.customersUrl, 'Ada One');
  });
  afterAll(async () => {
    await second?.close();
    await stack?.close();
  });

  const automatedOrders = async () => {
    const result = await graphql<{ orders: { edges: { node: { number: string; source: string } }[] } }>(
      stack.ordersUrl,
      '{ orders(first: 50) { edges { node { number source } } } }',
      {},
      'viewer',
    );
    return result.data!.orders.edges.map((edge) => edge.node).filter((order) => order.source === 'AUTOMATED');
  };
  const lockedSnapshot = async () => {
    const { jobs } = await stack.orders.agenda.queryJobs({ name: JOBS.randomOrder });
    expect(jobs).toHaveLength(1);
    return { ...jobs[0]!, lockedAt: new Date() };
  };

  it('places one order, and the next occurrence places the next one', async () => {
    const snapshot = await lockedSnapshot();
    await Promise.all([
      new Job(stack.orders.agenda, { ...snapshot }, true).run(),
      new Job(second.agenda, { ...snapshot }, true).run(),
    ]);
    const once = await automatedOrders();
    expect(once).toHaveLength(1);

    // A worker that died mid-run leaves the job as it was locked: its re-run is the same occurrence.
    await new Job(second.agenda, { ...snapshot }, true).run();
    expect(await automatedOrders()).toEqual(once);

    await new Job(stack.orders.agenda, await lockedSnapshot(), true).run();
    const twice = await automatedOrders();
    expect(twice).toHaveLength(2);
    expect(twice.map((order) => order.number)).toContain(once[0]!.number);
  });
});
