/** The product catalogue shared by the factory and orders subgraphs. */
export const PRODUCT_KINDS = ['WIDGET', 'GADGET', 'GIZMO'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

/** The three factories; each makes one kind of product. */
export const FACTORY_IDS = ['widgets', 'gadgets', 'gizmos'] as const;
export type FactoryId = (typeof FACTORY_IDS)[number];

export const FACTORY_FOR_PRODUCT: Record<ProductKind, FactoryId> = {
  WIDGET: 'widgets',
  GADGET: 'gadgets',
  GIZMO: 'gizmos',
};

export const PRODUCT_OF_FACTORY: Record<FactoryId, ProductKind> = {
  widgets: 'WIDGET',
  gadgets: 'GADGET',
  gizmos: 'GIZMO',
};

export type AttributeType = 'string' | 'int' | 'float' | 'boolean';
export type AttributeValue = string | number | boolean;

/**
 * How a non-default value raises complexity: `custom` is added whenever the
 * value differs from the default; `perUnit` is added per unit of distance
 * from the default (numeric attributes only).
 */
export interface ComplexityRaise {
  custom?: number;
  perUnit?: number;
}

export interface AttributeSpec {
  name: string;
  type: AttributeType;
  default: AttributeValue;
  /** When present, the only values accepted. */
  allowed?: readonly AttributeValue[];
  min?: number;
  max?: number;
  complexity?: ComplexityRaise;
}

export interface ProductSpec {
  kind: ProductKind;
  sku: string;
  name: string;
  /** Seconds to make one unit at complexity 1. */
  baseSeconds: number;
  baseComplexity: number;
  attributes: readonly AttributeSpec[];
}

export const PRODUCTS: Record<ProductKind, ProductSpec> = {
  WIDGET: {
    kind: 'WIDGET',
    sku: 'WID-100',
    name: 'Widget',
    baseSeconds: 2,
    baseComplexity: 1,
    attributes: [
      {
        name: 'color',
        type: 'string',
        default: 'black',
        allowed: ['black', 'red', 'green', 'blue', 'white'],
        complexity: { custom: 0.1 },
      },
      { name: 'size', type: 'int', default: 3, min: 1, max: 10, complexity: { perUnit: 0.05 } },
      { name: 'polished', type: 'boolean', default: false, complexity: { custom: 0.15 } },
    ],
  },
  GADGET: {
    kind: 'GADGET',
    sku: 'GAD-200',
    name: 'Gadget',
    baseSeconds: 5,
    baseComplexity: 1.5,
    attributes: [
      { name: 'voltage', type: 'int', default: 12, allowed: [5, 12, 24, 230], complexity: { custom: 0.2 } },
      {
        name: 'connectivity',
        type: 'string',
        default: 'none',
        allowed: ['none', 'bluetooth', 'wifi', 'cellular'],
        complexity: { custom: 0.25 },
      },
      { name: 'batteryHours', type: 'float', default: 0, min: 0, max: 48, complexity: { perUnit: 0.01 } },
    ],
  },
  GIZMO: {
    kind: 'GIZMO',
    sku: 'GIZ-300',
    name: 'Gizmo',
    baseSeconds: 8,
    baseComplexity: 2,
    attributes: [
      {
        name: 'material',
        type: 'string',
        default: 'steel',
        allowed: ['steel', 'aluminium', 'brass', 'titanium'],
        complexity: { custom: 0.3 },
      },
      { name: 'gearCount', type: 'int', default: 8, min: 2, max: 64, complexity: { perUnit: 0.02 } },
    ],
  },
};
