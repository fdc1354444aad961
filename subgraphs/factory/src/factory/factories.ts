/** The three factories of the business; each owns one database. */
export const FACTORY_IDS = ['widgets', 'gadgets', 'gizmos'] as const;
export type FactoryId = (typeof FACTORY_IDS)[number];

export const FACTORY_NAMES: Record<FactoryId, string> = {
  widgets: 'Widget Works',
  gadgets: 'Gadget Foundry',
  gizmos: 'Gizmo Mill',
};
