import { naturalBatch } from '#kit/natural-batch.ts';
import { SERVICE_TOKEN_LIFETIME_S, signServiceToken } from '#kit/service-token.ts';

/** What the order service needs to know about a customer. */
export interface CustomerSummary {
  id: string;
  name: string;
  email: string;
  active: boolean;
}

export interface CustomerLookup {
  /** Found customers by id; unknown ids are absent from the map. */
  getCustomers(ids: readonly string[]): Promise<Map<string, CustomerSummary>>;
  /**
   * The customer, or null when no customer has this id. `fresh` asks the
   * customers service instead of the cache (still batched): for decisions
   * that must see an archiving at once, such as accepting an order.
   */
  getCustomer(id: string, options?: { fresh?: boolean }): Promise<CustomerSummary | null>;
  /** Ids of active customers, oldest first, at most `limit` (default 100). */
  listActiveCustomerIds(limit?: number): Promise<string[]>;
}

// Renew a minute before expiry so a token never expires in flight.
const TOKEN_RENEW_AFTER_MS = (SERVICE_TOKEN_LIFETIME_S - 60) * 1000;
const REQUEST_TIMEOUT_MS = 5000;
const MAX_BATCH = 100;
const PAGE_SIZE = 100;

const ENTITIES = `query CustomerLookup($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id name email active } }
}`;
const ACTIVE_IDS = `query ActiveCustomerIds($first: Int!, $after: String) {
  customers(active: true, first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
}`;

interface ActivePage {
  customers: {
    edges: { node: { id: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

/**
 * The order service's view of the customers subgraph: its GraphQL (`url`, the
 * subgraph's /graphql) with the order service's own token (SERVICE_TOKEN_SECRET,
 * audience customers: it works whether users' tokens are HS256 or from a JWKS), concurrent lookups batched
 * into one `_entities` query (those of one tick, and those made while a query is out: at hundreds of
 * placements a second one query serves many, each id asked once), and answers cached for `cacheTtlMs` (2 s).
 * A failed call rejects (never a silent null), so callers can retry.
 */
export function createCustomersClient(options: {
  url: string;
  serviceTokenSecret: string;
  cacheTtlMs?: number;
  fetch?: typeof fetch;
}): CustomerLookup {
  const { url, serviceTokenSecret, cacheTtlMs = 2000 } = options;
  const send = options.fetch ?? fetch;

  let token: { value: Promise<string>; renewAt: number } | undefined;
  const bearer = () => {
    if (!token || Date.now() >= token.renewAt) {
      token = {
        value: signServiceToken(serviceTokenSecret, 'orders', 'customers'),
        renewAt: Date.now() + TOKEN_RENEW_AFTER_MS,
      };
    }
    return token.value;
  };

  async function request<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await bearer()}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => undefined)) as
      { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
    const error = body?.errors?.[0];
    if (!response.ok || error || !body?.data) {
      const reason = error
        ? `${error.extensions?.code ?? 'ERROR'}: ${error.message}`
        : `HTTP ${response.status}`;
      throw new Error(`Customers service lookup failed (${reason})`);
    }
    return body.data;
  }

  // Natural batching: a lookup made while a query is out goes in the next query, which starts after
  // it was made, so a `fresh` lookup never takes an answer read before it asked.
  const lookup = naturalBatch(
    async (ids: string[]) => {
      const unique = [...new Set(ids)];
      const representations = unique.map((id) => ({ __typename: 'Customer', id }));
      const data = await request<{ _entities: (CustomerSummary | null)[] }>(ENTITIES, { representations });
      const found = new Map(
        data._entities.map((found, index) => [
          unique[index]!,
          found ? { id: found.id, name: found.name, email: found.email, active: found.active } : null,
        ]),
      );
      return ids.map((id) => found.get(id) ?? null);
    },
    { maxBatch: MAX_BATCH },
  );

  const cache = new Map<string, { value: Promise<CustomerSummary | null>; expiresAt: number }>();
  const getCustomer = (id: string, options: { fresh?: boolean } = {}): Promise<CustomerSummary | null> => {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && hit.expiresAt > now && !options.fresh) return hit.value;
    if (cache.size > 10_000) for (const [key, entry] of cache) if (entry.expiresAt <= now) cache.delete(key);
    const value = lookup(id);
    cache.set(id, { value, expiresAt: now + cacheTtlMs });
    // A failure is not an answer: forget it so the next call asks again.
    value.catch(() => {
      if (cache.get(id)?.value === value) cache.delete(id);
    });
    return value;
  };

  return {
    getCustomer,
    async getCustomers(ids) {
      const found = await Promise.all([...new Set(ids)].map((id) => getCustomer(id)));
      return new Map(
        found.filter((customer) => customer !== null).map((customer) => [customer.id, customer]),
      );
    },
    async listActiveCustomerIds(limit = PAGE_SIZE) {
      const ids: string[] = [];
      let after: string | null = null;
      while (ids.length < limit) {
        const first = Math.min(PAGE_SIZE, limit - ids.length);
        const page: ActivePage = await request<ActivePage>(ACTIVE_IDS, { first, after });
        ids.push(...page.customers.edges.map((edge) => edge.node.id));
        if (!page.customers.pageInfo.hasNextPage) break;
        after = page.customers.pageInfo.endCursor;
      }
      return ids;
    },
  };
}
