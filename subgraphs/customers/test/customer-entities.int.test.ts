import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MikroORM } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { listen, type Listening } from '#kit/http.ts';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { loadCustomersConfig } from '../src/config.ts';
import { ormConfig } from '../src/mikro-orm.config.ts';
import { createServer } from '../src/server.ts';
import { baseEnv } from '../../../test/support/stack.ts';
import { customerInput } from './support.ts';

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id name email active } }
}`;

/**
 * The customers subgraph built as app.ts builds it, but with a logger that
 * records every SQL statement MikroORM sends, so the test can count them.
 */
describe('customers subgraph: batched _entities', () => {
  const queries: string[] = [];
  let orm: MikroORM;
  let http: Listening;
  let stop: () => Promise<void>;
  let url: string;
  beforeAll(async () => {
    const config = loadCustomersConfig({
      ...baseEnv(),
      DATABASE_URL: await createPostgresDatabase('entities'),
    });
    const logger = pino(
      { level: 'trace' },
      { write: (line: string) => void queries.push((JSON.parse(line) as { msg: string }).msg) },
    );
    orm = await MikroORM.init(ormConfig(config.DATABASE_URL, logger));
    await orm.migrator.up();
    const { httpServer, apollo } = await createServer({ config, orm, logger });
    http = await listen(httpServer, 0);
    url = `${http.url}/graphql`;
    stop = async () => {
      await apollo.stop();
      await http.close().catch(() => {});
      await orm.close();
    };
  });
  afterAll(async () => stop?.());

  it('resolves N references with one SQL query, in order, with null for unknown ids', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) {
      const result = await graphql<{ createCustomer: { id: string } }>(
        url,
        'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
        { input: customerInput() },
        'operator',
      );
      created.push(result.data!.createCustomer.id);
    }
    const unknown = crypto.randomUUID();
    const ids = [created[3]!, created[0]!, unknown, created[4]!, created[1]!, created[2]!, 'not-a-uuid'];

    queries.length = 0;
    const result = await graphql<{ _entities: ({ id: string } | null)[] }>(
      url,
      ENTITIES,
      { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
      'viewer',
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((entity) => entity?.id ?? null)).toEqual(
      ids.map((id) => (id === unknown || id === 'not-a-uuid' ? null : id)),
    );
    const selects = queries.filter((query) => /\bselect\b/i.test(query) && query.includes('"customer"'));
    expect(selects).toHaveLength(1);
    expect(selects[0]).toMatch(/ in \(/);
    expect(queries.filter((query) => /\b(select|insert|update|delete)\b/i.test(query))).toHaveLength(1);
  });

  it('refuses _entities without a token, and lets a viewer read', async () => {
    const representations = [{ __typename: 'Customer', id: crypto.randomUUID() }];
    const anonymous = await graphql(url, ENTITIES, { representations }, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const viewer = await graphql(url, ENTITIES, { representations }, 'viewer');
    expect(viewer.errors).toBeUndefined();
  });
});
