import { PRODUCTS, PRODUCT_KINDS, type AttributeSpec, type ProductKind } from '#catalogue/products.ts';
import type { OrderLineInput } from '../order/order-draft.ts';

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

function randomValue(spec: AttributeSpec): unknown {
  if (spec.allowed) return pick(spec.allowed);
  if (spec.type === 'boolean') return Math.random() < 0.5;
  const min = spec.min ?? 0;
  const max = spec.max ?? min + 10;
  if (spec.type === 'int') return between(Math.ceil(min), Math.floor(max));
  if (spec.type === 'float') return Math.round((min + Math.random() * (max - min)) * 10) / 10;
  return spec.default;
}

/** 1-4 lines of random products, quantities 1-10, each attribute overridden about half the time. */
export function randomLines(): OrderLineInput[] {
  return Array.from({ length: between(1, 4) }, () => {
    const product: ProductKind = pick(PRODUCT_KINDS);
    const attributes: Record<string, unknown> = {};
    for (const spec of PRODUCTS[product].attributes) {
      if (Math.random() < 0.5) attributes[spec.name] = randomValue(spec);
    }
    return { product, quantity: between(1, 10), attributes };
  });
}
