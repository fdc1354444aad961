import type { Db } from 'mongodb';
import { PRODUCT_OF_FACTORY, PRODUCTS, type ProductSpec } from '#catalogue/products.ts';
import { ApiClientRepository } from '../clients/api-client.repository.ts';
import { productionLinesOf, type FactoryConfig } from '../config.ts';
import { ProductionOrderRepository } from '../production/production-order.repository.ts';
import { FACTORY_NAMES, type FactoryId } from './factories.ts';

/**
 * What any process may read of a factory from its database: the factory itself, its production
 * orders and its API clients. Only the owning process produces (see factory-unit.ts); others may
 * serve these reads (READ_FACTORIES), which is how a read-only factory API scales out.
 */
export interface FactoryView {
  id: FactoryId;
  name: string;
  product: ProductSpec;
  db: Db;
  productionLines: number;
  orders: ProductionOrderRepository;
  clients: ApiClientRepository;
}

export function openFactoryView(id: FactoryId, db: Db, config: FactoryConfig): FactoryView {
  return {
    id,
    name: FACTORY_NAMES[id],
    product: PRODUCTS[PRODUCT_OF_FACTORY[id]],
    db,
    productionLines: productionLinesOf(config, id),
    orders: new ProductionOrderRepository(db),
    clients: new ApiClientRepository(db),
  };
}
