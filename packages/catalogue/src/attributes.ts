import { ValidationError } from '#kit/errors.ts';
import { PRODUCTS, type AttributeSpec, type AttributeValue, type ProductKind } from './products.ts';

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 1000;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function hasType(spec: AttributeSpec, value: unknown): value is AttributeValue {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return Number.isInteger(value);
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

function checkValue(spec: AttributeSpec, value: unknown, field: string): AttributeValue {
  if (!hasType(spec, value)) throw new ValidationError(field, `must be of type ${spec.type}`);
  if (spec.allowed && !spec.allowed.includes(value)) {
    throw new ValidationError(
      field,
      `must be one of ${spec.allowed.map((v) => JSON.stringify(v)).join(', ')}`,
    );
  }
  if (typeof value === 'number') {
    if (spec.min !== undefined && value < spec.min)
      throw new ValidationError(field, `must be at least ${spec.min}`);
    if (spec.max !== undefined && value > spec.max)
      throw new ValidationError(field, `must be at most ${spec.max}`);
  }
  return value;
}

/**
 * Every attribute of `kind`, overrides checked and defaults filled in.
 * Throws a ValidationError naming `${path}.attributes[.<name>]`.
 */
export function resolveAttributes(
  kind: ProductKind,
  overrides: unknown,
  path: string,
): Record<string, AttributeValue> {
  const given = overrides ?? {};
  if (!isPlainObject(given))
    throw new ValidationError(`${path}.attributes`, 'must be an object of attribute values');
  const specs = PRODUCTS[kind].attributes;
  for (const name of Object.keys(given)) {
    if (!specs.some((spec) => spec.name === name)) {
      const known = specs.map((spec) => spec.name).join(', ');
      throw new ValidationError(
        `${path}.attributes.${name}`,
        `is not an attribute of ${kind} (known: ${known})`,
      );
    }
  }
  const resolved: Record<string, AttributeValue> = {};
  for (const spec of specs) {
    const value = given[spec.name];
    resolved[spec.name] =
      value === undefined || value === null
        ? spec.default
        : checkValue(spec, value, `${path}.attributes.${spec.name}`);
  }
  return resolved;
}

/** Quantity must be a whole number from 1 to 1000. */
export function validateQuantity(quantity: number, path: string): void {
  if (!Number.isInteger(quantity) || quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) {
    throw new ValidationError(
      `${path}.quantity`,
      `must be a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}`,
    );
  }
}
