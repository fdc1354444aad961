import type DataLoader from 'dataloader';
import type { Identity } from '#kit/auth.ts';
import type { VerifiedClient } from './clients/client-auth.ts';
import type { FactoryId } from './factory/factories.ts';
import type { FactoryUnit } from './factory/factory-unit.ts';
import type { FactoryView } from './factory/factory-view.ts';
import type { ProductionOrderDoc } from './production/production-order.ts';

/** What every resolver of this subgraph receives. */
export interface Context {
  identity?: Identity | undefined;
  /** The raw Authorization header: production requests authenticate API clients from it. */
  authorization: string | undefined;
  /** The API client whose Basic credentials were verified at the edge, if any. */
  client: VerifiedClient | undefined;
  /** Every factory whose reads this process serves. */
  factories: ReadonlyMap<FactoryId, FactoryView>;
  /** The factories this process runs: only these take production requests. */
  producers: ReadonlyMap<FactoryId, FactoryUnit>;
  /** Production orders by public id, batched: one query per factory per request. */
  productionOrders: DataLoader<string, ProductionOrderDoc | null>;
  /** Live counts per factory, computed once per request. */
  counts: (unit: FactoryView) => Promise<{ queued: number; inProduction: number; completed: number }>;
}
