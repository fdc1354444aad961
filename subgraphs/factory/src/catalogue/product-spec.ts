// Codegen mappers can't name `#catalogue/...` (it reads `#` as its separator), so they point here.
export type { AttributeSpec, ProductSpec } from '#catalogue/products.ts';
