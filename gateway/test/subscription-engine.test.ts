import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionResult } from 'graphql';
import { parse } from 'graphql';
import { createLogger } from '#kit/logger.ts';
import { buildDataSources } from '../src/subgraph-data-source.ts';
import { createSubscriptionHub, type SubscriptionHub } from '../src/subscriptions/hub.ts';
import { buildSupergraphView, type SupergraphView } from '../src/subscriptions/planner.ts';
import { startTinySubgraphs } from './tiny-subgraphs.ts';

const context = (requestId: string) => ({
  identity: { sub: 'tester', role: 'viewer' as const },
  authorization: 'Bearer not-checked-by-tiny-subgraphs',
  requestId,
});

const take = async (iterator: AsyncIterableIterator<ExecutionResult>, count: number) => {
  const results: ExecutionResult[] = [];
  for (let i = 0; i < count; i++) {
    const next = await iterator.next();
    if (next.done) break;
    results.push(next.value);
  }
  return results;
};

describe('the subscription engine on two small real subgraphs', () => {
  let tiny: Awaited<ReturnType<typeof startTinySubgraphs>>;
  let view: SupergraphView;
  let hub: SubscriptionHub;
  const document = parse('subscription ($from: Int!) { ticks(from: $from) { n label } }');

  beforeAll(async () => {
    tiny = await startTinySubgraphs({ failLabelFor: 3 });
    view = buildSupergraphView(tiny.supergraphSdl);
    const dataSources = buildDataSources(view.subgraphs, tiny.urls);
    hub = createSubscriptionHub({
      view: () => view,
      dataSources: () => dataSources,
      subgraphUrl: (name) => tiny.urls[name as 'ticks' | 'labels'],
      retryBaseMs: 50,
      retryMaxMs: 200,
      logger: createLogger('test', 'silent'),
    });
  });
  afterAll(async () => {
    hub?.closeAll();
    await tiny?.close();
  });

  it('plans a primary fetch to the owning subgraph and resolves the rest per event', async () => {
    const planned = view.plan(document);
    expect(planned.primary.serviceName).toBe('ticks');
    const iterator = hub.subscribe({ document, variables: { from: 1 }, context: context('r1') });
    const results = await take(iterator, 4);
    await iterator.return!();
    expect(results.map((result) => result.data)).toEqual([
      { ticks: { n: 1, label: 'label-t1' } },
      { ticks: { n: 2, label: 'label-t2' } },
      null,
      { ticks: { n: 4, label: 'label-t4' } },
    ]);
    // The failing entity fetch reaches the client as a GraphQL error on that event only.
    expect(results[2]!.errors?.[0]?.message).toContain('label store is down');
    expect(results[0]!.extensions).toEqual({ requestId: 'r1' });
  });

  it('shares one upstream between identical subscriptions and closes it with the last client', async () => {
    const a = hub.subscribe({ document, variables: { from: 10 }, context: context('a') });
    const b = hub.subscribe({ document, variables: { from: 10 }, context: context('b') });
    const c = hub.subscribe({ document, variables: { from: 20 }, context: context('c') });
    expect(hub.size).toBe(2);
    const [first, second] = await Promise.all([take(a, 2), take(b, 2)]);
    expect(first.map((r) => r.data)).toEqual(second.map((r) => r.data));
    await a.return!();
    expect(hub.size).toBe(2);
    await b.return!();
    await c.return!();
    expect(hub.size).toBe(0);
  });

  it('keeps a client receiving across a restart of the owning subgraph', async () => {
    const iterator = hub.subscribe({ document, variables: { from: 100 }, context: context('x') });
    const before = await take(iterator, 2);
    await tiny.restartTicks(300);
    const after = await take(iterator, 2);
    await iterator.return!();
    expect(before.map((r) => (r.data as { ticks: { n: number } }).ticks.n)).toEqual([100, 101]);
    // The new upstream subscription starts again from the requested position.
    expect(
      after.every((r) => (r.data as { ticks: { label: string } } | null)?.ticks.label.startsWith('label-')),
    ).toBe(true);
  });
});
