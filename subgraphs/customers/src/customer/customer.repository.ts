import {
  OptimisticLockError,
  UniqueConstraintViolationException,
  type EntityManager,
  type FilterQuery,
} from '@mikro-orm/postgresql';
import { ConflictError } from '#kit/errors.ts';
import { CustomerSchema, type Address, type Customer } from './customer.entity.ts';
import { CUSTOMER_ORDER } from './customer.cursor.ts';

export interface CustomerData {
  name: string;
  email: string;
  phone: string | null;
  address: Address | null;
}

export interface CustomerFilter {
  search?: string | null | undefined;
  active?: boolean | null | undefined;
}

interface CustomerRow {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  address: Address | null;
  active: boolean;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

/** Raised when a flush lost the optimistic-locking race; the service reports the current version. */
export class StaleVersion extends Error {}

// LIKE treats % and _ as wildcards; a search for "a_b" means those characters.
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

// On conflict with the lower(email) unique index; the `where` skips rows that would not change.
const UPSERT_BY_EMAIL = `
  insert into "customers"."customer" as c
    ("id", "name", "email", "phone", "address", "active", "created_at", "updated_at", "version")
  values (?, ?, ?, ?, ?::jsonb, true, now(), now(), 1)
  on conflict (lower("email")) do update
    set "name" = excluded."name", "phone" = excluded."phone", "address" = excluded."address",
        "updated_at" = now(), "version" = c."version" + 1
    where (c."name", c."phone", c."address") is distinct from (excluded."name", excluded."phone", excluded."address")
  returning (xmax = 0) as "inserted"`;

/** The only place customers meet SQL. One per request (it holds the request's entity manager). */
export class CustomerRepository {
  readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

  findById(id: string): Promise<Customer | null> {
    return this.em.findOne(CustomerSchema, { id });
  }

  /**
   * One `where id in (...)` query, whatever the number of ids. Read-only
   * copies, not managed entities: this is every order's verification, and
   * the identity map and hydration cost more than the query (updates load
   * with findById).
   */
  async findByIds(ids: readonly string[]): Promise<Customer[]> {
    if (ids.length === 0) return [];
    const rows = await this.em.getConnection().execute<CustomerRow[]>(
      `select "id", "name", "email", "phone", "address", "active", "created_at", "updated_at", "version"
        from "customers"."customer" where "id" in (?)`,
      [[...ids]],
    );
    return rows.map(
      (row) =>
        ({
          id: row.id,
          name: row.name,
          email: row.email,
          phone: row.phone,
          address: row.address,
          active: row.active,
          createdAt: new Date(row.created_at),
          updatedAt: new Date(row.updated_at),
          version: row.version,
        }) as Customer,
    );
  }

  page(filter: CustomerFilter, first: number, after: string | undefined) {
    const where: FilterQuery<Customer> = {};
    if (filter.search) {
      const pattern = likePattern(filter.search);
      where.$or = [{ name: { $ilike: pattern } }, { email: { $ilike: pattern } }];
    }
    if (filter.active != null) where.active = filter.active;
    return this.em.findByCursor(CustomerSchema, { where, first, after, orderBy: CUSTOMER_ORDER });
  }

  async insert(data: CustomerData): Promise<Customer> {
    const customer = this.em.create(CustomerSchema, { ...data, active: true });
    await this.flush(data.email);
    return customer;
  }

  /** Changes loaded fields in memory; `flush` writes them. */
  assign(customer: Customer, changes: Partial<CustomerData & { active: boolean }>): void {
    this.em.assign(customer, changes);
  }

  /** Writes the changes made to loaded customers; `email` names the address in a conflict message. */
  async flush(email?: string): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictError(`A customer with email ${email ?? 'this email'} already exists`, {
          field: 'input.email',
        });
      }
      if (error instanceof OptimisticLockError) throw new StaleVersion('stale version', { cause: error });
      throw error;
    }
  }

  /**
   * Inserts each customer, or on an email already taken (any case) updates
   * name, phone and address when they differ; `active` is left alone.
   */
  async upsertByEmail(rows: readonly CustomerData[]): Promise<('inserted' | 'updated' | 'unchanged')[]> {
    const outcomes: ('inserted' | 'updated' | 'unchanged')[] = [];
    for (const row of rows) {
      const result = await this.em
        .getConnection()
        .execute<{ inserted: boolean }[]>(UPSERT_BY_EMAIL, [
          crypto.randomUUID(),
          row.name,
          row.email,
          row.phone,
          row.address ? JSON.stringify(row.address) : null,
        ]);
      outcomes.push(result.length === 0 ? 'unchanged' : result[0]!.inserted ? 'inserted' : 'updated');
    }
    return outcomes;
  }

  /** The version as stored now, read outside this request's identity map. */
  async currentVersion(id: string): Promise<number | undefined> {
    const fresh = await this.em.fork().findOne(CustomerSchema, { id }, { fields: ['version'] });
    return fresh?.version;
  }
}
