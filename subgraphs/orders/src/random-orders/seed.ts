import type { EntityManager } from '@mikro-orm/postgresql';
import { parseInterval } from './interval.ts';
import { seedSettings } from './random-order-settings.repository.ts';

/** RANDOM_ORDERS_EVERY seeds the settings once; a bad value fails start-up naming the variable. */
export async function seedRandomOrderSettings(em: EntityManager, every: string): Promise<void> {
  const off = every.trim().toLowerCase() === 'off';
  const everyMs = off ? 0 : parseInterval(every, 'RANDOM_ORDERS_EVERY');
  await seedSettings(em, { enabled: !off, every: off ? 'off' : every.trim(), everyMs });
}
