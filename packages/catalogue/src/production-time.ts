import { PRODUCTS, type ProductKind } from './products.ts';

/**
 * complexity = baseComplexity × (1 + Σ raises), where each attribute whose
 * value differs from its default raises by `custom`, plus `perUnit` × |value − default|
 * for numeric attributes. Default attributes give exactly baseComplexity.
 */
export function complexity(kind: ProductKind, attributes: Record<string, unknown>): number {
  const product = PRODUCTS[kind];
  let raise = 0;
  for (const spec of product.attributes) {
    const value = attributes[spec.name] ?? spec.default;
    if (value === spec.default) continue;
    raise += spec.complexity?.custom ?? 0;
    if (typeof value === 'number' && typeof spec.default === 'number') {
      raise += (spec.complexity?.perUnit ?? 0) * Math.abs(value - spec.default);
    }
  }
  return round(product.baseComplexity * (1 + raise));
}

/**
 * Production time of one line in simulated seconds:
 * baseSeconds × quantity × complexity(kind, attributes). Multiply by
 * SIM_TIME_SCALE (see #kit/sim-time.ts) for wall-clock time.
 */
export function productionSeconds(
  kind: ProductKind,
  quantity: number,
  attributes: Record<string, unknown>,
): number {
  return round(PRODUCTS[kind].baseSeconds * quantity * complexity(kind, attributes));
}

// Six decimals keep float noise (0.1 + 0.2) out of stored and compared values.
const round = (value: number) => Math.round(value * 1e6) / 1e6;
