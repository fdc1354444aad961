import { FACTORY_IDS, type FactoryId } from '#catalogue/products.ts';

/** The three factories of the business; each owns one database. Ids come from the shared catalogue. */
export { FACTORY_IDS, type FactoryId };

export const FACTORY_NAMES: Record<FactoryId, string> = {
  widgets: 'Widget Works',
  gadgets: 'Gadget Foundry',
  gizmos: 'Gizmo Mill',
};
