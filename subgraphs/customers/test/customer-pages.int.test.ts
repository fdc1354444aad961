import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerInput, startCustomersForTest, type CustomersUnderTest } from './support.ts';

interface Page {
  customers: {
    edges: { cursor: string; node: { id: string; name: string; email: string; active: boolean } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const LIST = `query ($search: String, $active: Boolean, $first: Int, $after: String) {
  customers(search: $search, active: $active, first: $first, after: $after) {
    edges { cursor node { id name email active } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;

describe('customers subgraph: search, filter and cursor pages', () => {
  let customers: CustomersUnderTest;
  const list = async (variables: Record<string, unknown>) => {
    const result = await customers.call<Page>(LIST, variables, 'viewer');
    expect(result.errors).toBeUndefined();
    return result.data!.customers;
  };
  beforeAll(async () => {
    customers = await startCustomersForTest();
  });
  afterAll(async () => customers?.close());

  it('searches name or email case-insensitively, treating % and _ literally, and filters by active', async () => {
    const tag = `zq${Date.now().toString(36)}`;
    const byName = (await customers.create(customerInput({ name: `Ada ${tag.toUpperCase()} Lovelace` })))
      .data!.createCustomer;
    const byEmail = (await customers.create(customerInput({ email: `${tag}@Analytical.example` }))).data!
      .createCustomer;
    const archived = (await customers.create(customerInput({ name: `Old ${tag}` }))).data!.createCustomer;
    await customers.archive(archived.id);
    await customers.create(customerInput({ name: `Unrelated 100% real` }));

    const all = await list({ search: tag.toUpperCase() });
    expect(all.edges.map((edge) => edge.node.id)).toEqual([byName.id, byEmail.id, archived.id]);
    expect(all.totalCount).toBe(3);
    expect((await list({ search: `${tag}@analytical` })).edges.map((edge) => edge.node.id)).toEqual([
      byEmail.id,
    ]);

    const active = await list({ search: tag, active: true });
    expect(active.edges.map((edge) => edge.node.id)).toEqual([byName.id, byEmail.id]);
    expect((await list({ search: tag, active: false })).edges.map((edge) => edge.node.id)).toEqual([
      archived.id,
    ]);

    expect((await list({ search: '100%' })).totalCount).toBe(1);
    expect((await list({ search: `${tag}_` })).totalCount).toBe(0);
  });

  it('pages through every customer once, in a stable order, while others insert concurrently', async () => {
    const tag = `pg${Date.now().toString(36)}`;
    for (let i = 0; i < 23; i++) await customers.create(customerInput({ name: `Pager ${tag} ${i}` }));
    const existing = await list({ search: tag, first: 100 });
    expect(existing.totalCount).toBe(23);

    // Rows committed late with an early createdAt (a slow writer) sort before the cursor:
    // offset paging would repeat rows because of them; keyset paging must not.
    const sql = new pg.Client({ connectionString: customers.databaseUrl });
    await sql.connect();
    const insertEarly = (n: number) =>
      sql.query(
        `insert into customers.customer (id, name, email, active, created_at, updated_at, version)
         values (gen_random_uuid(), $1, $2, true, '2000-01-01', now(), 1)`,
        [`Pager ${tag} early ${n}`, `early${n}.${tag}@example.com`],
      );

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let inserted = 0;
    try {
      for (;;) {
        // Each page is read while matching customers are being created, before and after it.
        const [page]: [Page['customers'], ...unknown[]] = await Promise.all([
          list({ search: tag, first: 5, after }),
          ...[0, 1].map(() => customers.create(customerInput({ name: `Pager ${tag} late ${inserted++}` }))),
          ...[0, 1].map(() => insertEarly(inserted++)),
        ]);
        pages += 1;
        seen.push(...page.edges.map((edge) => edge.node.id));
        if (!page.pageInfo.hasNextPage || pages > 40) break;
        after = page.pageInfo.endCursor;
      }
    } finally {
      await sql.end();
    }

    expect(new Set(seen).size).toBe(seen.length); // nothing repeated
    const original = existing.edges.map((edge) => edge.node.id);
    expect(seen.filter((id) => original.includes(id))).toEqual(original); // nothing skipped, same order
    const final = await list({ search: tag, first: 100 });
    expect(final.totalCount).toBe(23 + inserted);
    const finalIds = final.edges.map((edge) => edge.node.id);
    expect(seen.every((id) => finalIds.includes(id))).toBe(true);
  });

  it('answers an empty page and totalCount for first: 0, and hasNextPage false at the end', async () => {
    const count = (await list({})).totalCount;
    const empty = await list({ first: 0 });
    expect(empty.edges).toEqual([]);
    expect(empty.totalCount).toBe(count);

    const all = await list({ first: 100 });
    expect(all.pageInfo.hasNextPage).toBe(count > 100);
    const last = all.edges.at(-1)!;
    const beyond = await list({ after: last.cursor });
    expect(beyond.edges).toEqual([]);
    expect(beyond.pageInfo.hasNextPage).toBe(false);
  });
});
