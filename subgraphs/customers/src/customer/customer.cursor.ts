import { Cursor } from '@mikro-orm/core';
import { z } from 'zod';
import { ValidationError } from '#kit/errors.ts';

/** The page order: oldest first, ties broken by id, so the order never changes under inserts. */
export const CUSTOMER_ORDER = { createdAt: 'asc', id: 'asc' } as const;

// What MikroORM's opaque cursor holds for CUSTOMER_ORDER: [createdAt, id].
const cursorValue = z.tuple([z.iso.datetime(), z.guid()]);

/** Rejects a cursor that this list did not hand out, before it reaches SQL. */
export function checkCursor(after: string, field = 'after'): string {
  let decoded: unknown;
  try {
    decoded = Cursor.decode(after);
  } catch {
    decoded = undefined;
  }
  if (!cursorValue.safeParse(decoded).success) {
    throw new ValidationError(field, 'is not a cursor from this list');
  }
  return after;
}
