import {
  MongoBulkWriteError,
  MongoServerError,
  type Collection,
  type Db,
  type Filter,
  type ObjectId,
} from 'mongodb';
import type { ProductionOrderDoc, ProductionStatus, WebhookState } from './production-order.ts';

export const PRODUCTION_ORDERS = 'production_orders';

export interface ProductionOrderFilter {
  status?: ProductionStatus | null | undefined;
  orderNumber?: string | null | undefined;
  webhookState?: WebhookState | null | undefined;
}

export const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === 11000;

/** The only code that reads and writes a factory's `production_orders`. */
export class ProductionOrderRepository {
  readonly collection: Collection<ProductionOrderDoc>;

  constructor(db: Db) {
    this.collection = db.collection<ProductionOrderDoc>(PRODUCTION_ORDERS);
  }

  async ensureIndexes(): Promise<void> {
    // The pair is the idempotency key of a production request line.
    await this.collection.createIndex({ orderNumber: 1, lineId: 1 }, { unique: true });
    await this.collection.createIndex({ status: 1, queuedAt: 1 });
    await this.collection.createIndex({ 'webhook.state': 1, 'webhook.nextAttemptAt': 1 });
  }

  /**
   * Inserts all in one round trip; documents whose key is already stored are left as they are,
   * and returned (the caller reads the stored ones back).
   */
  async insertManyOnce(docs: ProductionOrderDoc[]): Promise<ProductionOrderDoc[]> {
    try {
      await this.collection.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (!writeErrors.length || writeErrors.some((write) => write.code !== 11000)) throw error;
      return writeErrors.map((write) => docs[write.index]!);
    }
  }

  /** Every production order of these order numbers, in one query. */
  findByOrderNumbers(orderNumbers: string[]) {
    if (orderNumbers.length === 0) return Promise.resolve([]);
    return this.collection.find({ orderNumber: { $in: orderNumbers } }).toArray();
  }

  findById(id: ObjectId) {
    return this.collection.findOne({ _id: id });
  }

  /**
   * One `_id` lookup per id, all at once: FerretDB answers a lone `_id` filter from its index but
   * scans the collection for `$in` (7 ids over 20,000 documents: 1.5 s as `$in`, 6 ms like this).
   */
  async findByIds(ids: ObjectId[]) {
    const docs = await Promise.all(ids.map((_id) => this.collection.findOne({ _id })));
    return docs.filter((doc) => doc !== null);
  }

  /** Every QUEUED order's id, oldest first (to rebuild the in-memory queue). */
  queued() {
    return this.collection
      .find({ status: 'QUEUED' }, { projection: { _id: 1 } })
      .sort({ queuedAt: 1, _id: 1 })
      .toArray();
  }

  /** IN_PRODUCTION orders that should have completed by `before` (their completion job may be lost). */
  overdue(before: Date) {
    return this.collection.find({ status: 'IN_PRODUCTION', dueAt: { $lte: before } }).toArray();
  }

  /** PENDING webhooks whose next attempt (or attempt lease) is due. */
  dueWebhooks(now: Date) {
    return this.collection
      .find({ 'webhook.state': 'PENDING', 'webhook.nextAttemptAt': { $lte: now } })
      .toArray();
  }

  /** Newest first, after the cursor (an ObjectId: ids grow with insertion). */
  async page(filter: ProductionOrderFilter, first: number, after: ObjectId | null) {
    const query: Filter<ProductionOrderDoc> = {};
    if (filter.status) query.status = filter.status;
    if (filter.orderNumber) query.orderNumber = filter.orderNumber;
    if (filter.webhookState) query['webhook.state'] = filter.webhookState;
    const totalCount = await this.collection.countDocuments(query);
    const pageQuery = after ? { ...query, _id: { $lt: after } } : query;
    const docs = await this.collection
      .find(pageQuery)
      .sort({ _id: -1 })
      .limit(first + 1)
      .toArray();
    return { docs: docs.slice(0, first), hasNextPage: docs.length > first, totalCount };
  }

  async countByStatus() {
    const rows = await this.collection
      .aggregate<{ _id: ProductionStatus; count: number }>([
        { $group: { _id: '$status', count: { $sum: 1 } } },
      ])
      .toArray();
    const count = (status: ProductionStatus) => rows.find((row) => row._id === status)?.count ?? 0;
    return { queued: count('QUEUED'), inProduction: count('IN_PRODUCTION'), completed: count('COMPLETED') };
  }

  /** For /metrics: webhooks attempted and still PENDING (a retry is due), and FAILED ones (index on webhook.state). */
  async countWebhooks() {
    const [retrying, failed] = await Promise.all([
      this.collection.countDocuments({ 'webhook.state': 'PENDING', 'webhook.attempts': { $gte: 1 } }),
      this.collection.countDocuments({ 'webhook.state': 'FAILED' }),
    ]);
    return { retrying, failed };
  }
}
