import { MongoClient, ObjectId } from 'mongodb';
import { PRODUCT_OF_FACTORY, PRODUCTS, type FactoryId } from '#catalogue/products.ts';
import { ProductionOrderRepository } from '../../../subgraphs/factory/src/production/production-order.repository.ts';

/** `count` completed, delivered production orders, as a long-running factory stores them. */
export async function seedProductionOrders(
  mongoUrl: string,
  database: string,
  factory: FactoryId,
  count: number,
): Promise<ObjectId[]> {
  const product = PRODUCT_OF_FACTORY[factory];
  const attributes = Object.fromEntries(
    PRODUCTS[product].attributes.map((spec) => [spec.name, spec.default]),
  );
  const mongo = await new MongoClient(mongoUrl).connect();
  const collection = mongo.db(database).collection('production_orders');
  // The indexes a long-running factory has had since its first start (its own ensureIndexes), made
  // before the documents: built afterwards over a million, at the factory's start, they held
  // SQLite's write lock past the factory's lease.
  await new ProductionOrderRepository(mongo.db(database)).ensureIndexes();
  const at = new Date(Date.now() - 86_400_000);
  const ids: ObjectId[] = [];
  for (let first = 0; first < count; first += 10_000) {
    const docs = Array.from({ length: Math.min(10_000, count - first) }, (_, k) => {
      const _id = new ObjectId();
      ids.push(_id);
      return {
        _id,
        factory,
        orderNumber: `SEED-${factory}-${Math.floor((first + k) / 2)}`,
        lineId: `${(first + k).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
        product,
        quantity: 1,
        attributes,
        status: 'COMPLETED',
        productionSeconds: 2.15,
        queuedAt: at,
        startedAt: at,
        dueAt: at,
        completedAt: at,
        productionLine: null,
        webhook: {
          webhookId: `po_${_id.toHexString()}`,
          state: 'DELIVERED',
          attempts: 1,
          lastError: null,
          nextAttemptAt: null,
          deliveredAt: at,
        },
        traceparent: null,
      };
    });
    await collection.insertMany(docs, { ordered: false });
  }
  // A factory that has run this version since its first start has listed what is live (none of
  // these): without the marker its first start would scan them once (production/live-records.ts).
  await mongo
    .db(database)
    .collection<{ _id: string; orders: ObjectId[]; at: Date }>('production_live')
    .insertOne({ _id: 'listed', orders: [], at: new Date() });
  await mongo.close();
  return ids;
}
