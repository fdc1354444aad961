import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { seedCustomers } from '../src/seed/seed-customers.ts';
import { seedCustomerData } from '../src/seed/seed-data.ts';
import { startCustomersForTest, type CustomersUnderTest } from './support.ts';

describe('seed', () => {
  let customers: CustomersUnderTest;
  beforeAll(async () => {
    customers = await startCustomersForTest();
  });
  afterAll(async () => customers?.close());
  const seed = (count: number) => seedCustomers(customers.service.orm.em.fork(), count);

  it('produces the same valid, realistic customers every time', () => {
    const data = seedCustomerData(40);
    expect(seedCustomerData(40)).toEqual(data);
    expect(new Set(data.map((customer) => customer.email.toLowerCase())).size).toBe(40);
    expect(new Set(data.map((customer) => customer.address!.country)).size).toBeGreaterThan(2);
  });

  it('is idempotent: a second run inserts and changes nothing, and keeps an archive', async () => {
    expect(await seed(30)).toEqual({ inserted: 30, updated: 0, unchanged: 0 });
    expect(await customers.count()).toBe(30);

    // Seeded rows get their timestamps from SQL; paging over them must not repeat any.
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: {
        customers: {
          edges: { node: { id: string } }[];
          pageInfo: { endCursor: string | null; hasNextPage: boolean };
        };
      } = (
        await customers.call<typeof page>(
          'query ($after: String) { customers(first: 7, after: $after) { edges { node { id } } pageInfo { endCursor hasNextPage } } }',
          { after },
          'viewer',
        )
      ).data!;
      paged.push(...page.customers.edges.map((edge) => edge.node.id));
      after = page.customers.pageInfo.hasNextPage ? page.customers.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(paged).size).toBe(30);
    expect(paged).toHaveLength(30);

    const list = await customers.call<{ customers: { edges: { node: { id: string; version: number } }[] } }>(
      '{ customers(first: 100) { edges { node { id version } } } }',
      {},
      'viewer',
    );
    const [archived, renamed] = list.data!.customers.edges.map((edge) => edge.node);
    await customers.archive(archived!.id);
    await customers.update(renamed!.id, { version: 1, name: 'Renamed by an operator' });

    expect(await seed(30)).toEqual({ inserted: 0, updated: 1, unchanged: 29 });
    expect(await seed(30)).toEqual({ inserted: 0, updated: 0, unchanged: 30 });
    expect(await customers.count()).toBe(30);
    expect((await customers.get(archived!.id)).data!.customer).toMatchObject({ active: false, version: 2 });
    expect((await customers.get(renamed!.id)).data!.customer!.name).not.toBe('Renamed by an operator');
  });

  it('runs as `npm run seed` against DATABASE_URL', async () => {
    const databaseUrl = await createPostgresDatabase('seed');
    const run = () =>
      promisify(execFile)('npm', ['run', '--silent', 'seed', '--', '--count', '5'], {
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
      });
    // Idempotence is shown in process above; here, that the script runs and writes.
    expect((await run()).stdout).toContain('"inserted":5');
  });
});
