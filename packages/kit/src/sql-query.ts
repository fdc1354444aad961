import type { EntityManager } from '@mikro-orm/postgresql';
// MikroORM's own query layer (its dependency, through em.getKysely()): the pool, the transaction and the type parsing are MikroORM's.
import { CompiledQuery } from 'kysely';

/**
 * Runs one statement with its parameters sent beside it (`$1`, `$2`, …), in
 * the entity manager's transaction when it is in one. em.execute writes every
 * parameter into the statement's text, escaping a JSON parameter character
 * by character: for the set-based statements of a hot path, whose JSON
 * parameter carries a whole batch, that showed in profiles. A JS array
 * parameter is sent as a PostgreSQL array (`= any($1::bigint[])`). Errors are
 * the driver's (`code` '23505', …), not MikroORM's exception classes.
 */
export async function queryRows<Row>(
  em: EntityManager,
  text: string,
  params: readonly unknown[],
): Promise<Row[]> {
  const result = await em.getKysely<never>().executeQuery<Row>(CompiledQuery.raw(text, [...params]));
  return [...result.rows];
}
