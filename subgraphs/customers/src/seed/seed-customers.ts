import type { EntityManager } from '@mikro-orm/postgresql';
import { CustomerRepository } from '../customer/customer.repository.ts';
import { seedCustomerData } from './seed-data.ts';

export interface SeedResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Upserts the seed customers on their email (case-insensitive): a second run
 * inserts nothing, changes nothing and bumps no version.
 */
export async function seedCustomers(em: EntityManager, count: number): Promise<SeedResult> {
  const data = seedCustomerData(count);
  const result: SeedResult = { inserted: 0, updated: 0, unchanged: 0 };
  await em.transactional(async (tx) => {
    const outcomes = await new CustomerRepository(tx).upsertByEmail(data);
    for (const outcome of outcomes) result[outcome] += 1;
  });
  return result;
}
