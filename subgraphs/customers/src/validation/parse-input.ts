import type { z } from 'zod';
import { ValidationError } from '#kit/errors.ts';

/**
 * Parses `value` with a zod schema, or throws a ValidationError naming the
 * first offending field as a path under `root` (e.g. `input.address.postalCode`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = ''): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [root, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    throw new ValidationError(fieldPath([...path, issue.keys[0]!]), 'is not a known field');
  }
  throw new ValidationError(fieldPath(path), issue.message);
}

const fieldPath = (parts: string[]) => parts.filter(Boolean).join('.') || '(input)';
