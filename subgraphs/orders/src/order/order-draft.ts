import { randomUUID } from 'node:crypto';
import { FACTORY_FOR_PRODUCT, PRODUCT_KINDS, type ProductKind } from '#catalogue/products.ts';
import { resolveAttributes, validateQuantity } from '#catalogue/attributes.ts';
import { ValidationError } from '#kit/errors.ts';

export interface OrderLineInput {
  product: string;
  quantity: number;
  attributes?: unknown;
}

export interface DraftLine {
  id: string;
  position: number;
  product: ProductKind;
  factory: string;
  quantity: number;
  attributes: Record<string, unknown>;
}

export const MAX_LINES = 50;

/** Checks every line against the catalogue; errors name the field, e.g. `input.lines.1.attributes.voltage`. */
export function draftLines(lines: readonly OrderLineInput[], path = 'input.lines'): DraftLine[] {
  if (lines.length === 0) throw new ValidationError(path, 'an order needs at least one line');
  if (lines.length > MAX_LINES) throw new ValidationError(path, `an order has at most ${MAX_LINES} lines`);
  return lines.map((line, index) => {
    const at = `${path}.${index}`;
    if (!(PRODUCT_KINDS as readonly string[]).includes(line.product)) {
      throw new ValidationError(`${at}.product`, `must be one of ${PRODUCT_KINDS.join(', ')}`);
    }
    const product = line.product as ProductKind;
    validateQuantity(line.quantity, at);
    return {
      id: randomUUID(),
      position: index,
      product,
      factory: FACTORY_FOR_PRODUCT[product],
      quantity: line.quantity,
      attributes: resolveAttributes(product, line.attributes, at),
    };
  });
}
