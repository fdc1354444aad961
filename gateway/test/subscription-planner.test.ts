import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { buildSupergraphView, EVENT_SOURCE } from '../src/subscriptions/planner.ts';

const view = buildSupergraphView(
  readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
);

describe('subscription planner', () => {
  it('subscribes at orders to what orders resolves plus entity keys, and fetches the rest per event', () => {
    const planned = view.plan(
      parse('subscription ($n: String) { orderUpdated(number: $n) { number status customer { name } } }'),
    );
    expect(planned.primary.serviceName).toBe('orders');
    expect(planned.primary.operation).toBe(
      'subscription($n:String){orderUpdated(number:$n){number status customer{__typename id}}}',
    );
    const node = planned.perEventPlan.node as { kind: string; nodes: { serviceName?: string }[] };
    expect(node.kind).toBe('Sequence');
    // The event stands in for the primary fetch; the customer's name comes from customers.
    expect(node.nodes[0]!.serviceName).toBe(EVENT_SOURCE);
    expect(JSON.stringify(node.nodes[1])).toContain('"serviceName":"customers"');
  });

  it('needs no per-event fetch when orders resolves everything', () => {
    const planned = view.plan(parse('subscription { orderUpdated { number status } }'));
    expect(planned.perEventPlan.node).toMatchObject({ kind: 'Fetch', serviceName: EVENT_SOURCE });
  });

  it('refuses an operation that is not a subscription', () => {
    expect(() => view.plan(parse('query { orders(first: 1) { totalCount } }'))).toThrow(
      'Not a subscription operation',
    );
  });

  it('picks the named operation of a document with several', () => {
    const document = parse(`
      subscription A { orderUpdated { number } }
      subscription B { orderUpdated { status } }
    `);
    expect(view.plan(document, 'B').primary.operation).toContain('status');
    expect(view.plan(document, 'A').primary.operation).not.toContain('status');
  });
});
