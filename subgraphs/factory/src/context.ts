import type { Identity } from '#kit/auth.ts';
import type { FactoryId } from './factory/factories.ts';
import type { FactoryUnit } from './factory/factory-unit.ts';

/** What every resolver of this subgraph receives. */
export interface Context {
  identity?: Identity | undefined;
  /** The factories this process runs. */
  factories: ReadonlyMap<FactoryId, FactoryUnit>;
}
