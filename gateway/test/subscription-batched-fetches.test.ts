/**
 * The entity fetches of a batch of one group's events (gateway/src/subscriptions/batched-entity-fetches.ts):
 * what the subgraph is sent, and what each event's plan gets back, errors included.
 */
import { describe, expect, it } from 'vitest';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { batchEntityFetches } from '../src/subscriptions/batched-entity-fetches.ts';

type Answer = Awaited<ReturnType<GraphQLDataSource['process']>>;
const ENTITIES =
  'query($representations:[_Any!]!){_entities(representations:$representations){...on Customer{name}}}';
const customer = (id: string) => ({ __typename: 'Customer', id });

/** A subgraph stand-in that records what it was sent and answers with `answer`. */
function subgraph(answer: (representations: { id: string }[]) => Answer | Promise<Answer>) {
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  const service: GraphQLDataSource = {
    process: async ({ request }) => {
      sent.push({ query: request.query!, variables: request.variables! });
      return answer((request.variables?.representations ?? []) as { id: string }[]);
    },
  };
  return { sent, services: batchEntityFetches({ customers: service }) };
}

const fetch = (
  representations: unknown[] | undefined,
  query = ENTITIES,
  extra: Record<string, unknown> = {},
) =>
  ({
    request: { query, variables: { ...extra, ...(representations ? { representations } : {}) } },
    context: {},
  }) as unknown as GraphQLDataSourceProcessOptions;

const names = (representations: { id: string }[]): Answer => ({
  data: { _entities: representations.map(({ id }) => ({ name: `Name of ${id}` })) },
});

describe('batched entity fetches of one group', () => {
  it('sends the fetches of one turn as one request, each entity once, and gives each caller its own entities', async () => {
    const { sent, services } = subgraph(names);
    const answers = await Promise.all([
      services.customers!.process(fetch([customer('A'), customer('B')])),
      services.customers!.process(fetch([customer('B'), customer('C')])),
    ]);
    expect(sent).toEqual([
      { query: ENTITIES, variables: { representations: ['A', 'B', 'C'].map(customer) } },
    ]);
    expect(answers).toEqual([names([{ id: 'A' }, { id: 'B' }]), names([{ id: 'B' }, { id: 'C' }])]);
  });

  it('gives an error about one entity to the callers that asked for it, at their index; one without a path to all', async () => {
    const { services } = subgraph((representations) => ({
      data: { _entities: representations.map(({ id }) => (id === 'B' ? null : { name: id })) },
      errors: [{ message: 'B is archived', path: ['_entities', 1, 'name'] }, { message: 'slow today' }],
    }));
    const [first, second, third] = await Promise.all([
      services.customers!.process(fetch([customer('A'), customer('B')])),
      services.customers!.process(fetch([customer('B'), customer('C')])),
      services.customers!.process(fetch([customer('A')])),
    ]);
    expect(first).toEqual({
      data: { _entities: [{ name: 'A' }, null] },
      errors: [{ message: 'B is archived', path: ['_entities', 1, 'name'] }, { message: 'slow today' }],
    });
    expect(second).toEqual({
      data: { _entities: [null, { name: 'C' }] },
      errors: [{ message: 'B is archived', path: ['_entities', 0, 'name'] }, { message: 'slow today' }],
    });
    expect(third).toEqual({ data: { _entities: [{ name: 'A' }] }, errors: [{ message: 'slow today' }] });
  });

  it('keeps different operations or variables apart, and passes a fetch without representations straight on', async () => {
    const { sent, services } = subgraph(names);
    await Promise.all([
      services.customers!.process(fetch([customer('A')])),
      services.customers!.process(fetch([customer('A')], ENTITIES, { locale: 'fr' })),
      services.customers!.process(fetch(undefined, '{ ok }')),
    ]);
    expect(sent.map((request) => request.variables)).toEqual([
      {},
      { representations: [customer('A')] },
      { locale: 'fr', representations: [customer('A')] },
    ]);
  });

  it('fails every caller of a merged fetch when the subgraph cannot be reached', async () => {
    const { services } = subgraph(() => Promise.reject(new Error('connect ECONNREFUSED')));
    const results = await Promise.allSettled([
      services.customers!.process(fetch([customer('A')])),
      services.customers!.process(fetch([customer('B')])),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
