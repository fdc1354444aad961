import { PRODUCT_KINDS, PRODUCTS, type ProductKind } from '#catalogue/products.ts';
import { requireRole } from '#kit/auth.ts';
import type { Resolvers } from '../generated/graphql.ts';

const TYPE_OF: Record<ProductKind, 'Widget' | 'Gadget' | 'Gizmo'> = {
  WIDGET: 'Widget',
  GADGET: 'Gadget',
  GIZMO: 'Gizmo',
};

export const productResolvers: Resolvers = {
  Query: {
    products: (_parent, _args, { identity }) => {
      requireRole(identity, 'viewer');
      return PRODUCT_KINDS.map((kind) => PRODUCTS[kind]);
    },
  },
  Product: {
    __resolveType: (product) => TYPE_OF[product.kind],
  },
  AttributeSpec: {
    allowed: (spec) => (spec.allowed ? [...spec.allowed] : null) as never,
  },
};
