import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { Logger } from '#kit/logger.ts';

/**
 * One term of ownership. Terms are numbered: taking a factory over inserts the next number, and an
 * insert with a given `_id` is atomic on every MongoDB-wire server (FerretDB's conditional updates
 * are not), so of several processes taking over the same expired term exactly one wins. Only the
 * owner ever writes its term afterwards (renewal, release), always by `_id`.
 */
export interface LeaseTerm {
  _id: number;
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
}

export class FactoryLeaseHeldError extends Error {
  constructor(factory: string, term: LeaseTerm) {
    super(
      `factory ${factory} is owned by another process (${term.owner}) until ${term.expiresAt.toISOString()}; ` +
        'a factory runs in exactly one process: stop the other one, or wait for its lease to expire',
    );
    this.name = 'FactoryLeaseHeldError';
  }
}

export interface FactoryLease {
  term: number;
  owner: string;
  /** Gives the factory up at once (a graceful stop), so its successor need not wait for expiry. */
  release(): Promise<void>;
}

const isDuplicateKey = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Takes the factory's lease or refuses (FactoryLeaseHeldError), then renews it every `ttlMs / 3`.
 * `onLost` runs when the lease is no longer this process's: a renewal came too late (the term had
 * expired, so another process may own it) or a later term exists. The caller must then stop serving.
 */
export async function acquireFactoryLease(options: {
  db: Db;
  factory: string;
  ttlMs: number;
  logger: Logger;
  onLost: (reason: string) => void;
}): Promise<FactoryLease> {
  const terms: Collection<LeaseTerm> = options.db.collection<LeaseTerm>('factory_lease');
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const expiry = () => new Date(Date.now() + options.ttlMs);

  const [latest] = await terms.find().sort({ _id: -1 }).limit(1).toArray();
  if (latest && latest.expiresAt.getTime() > Date.now())
    throw new FactoryLeaseHeldError(options.factory, latest);
  const term = (latest?._id ?? 0) + 1;
  try {
    await terms.insertOne({ _id: term, owner, acquiredAt: new Date(), expiresAt: expiry() });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    // Another process took this term between our read and our insert.
    const winner = await terms.findOne({ _id: term });
    throw new FactoryLeaseHeldError(options.factory, winner!);
  }
  // Our read was stale if a later term was taken (and ours freed by its cleanup) before our insert.
  const later = await terms.findOne({ _id: { $gt: term } }, { sort: { _id: -1 } });
  if (later) {
    await terms.updateOne({ _id: term }, { $set: { expiresAt: new Date() } });
    throw new FactoryLeaseHeldError(options.factory, later);
  }
  // Older terms only tell history; the latest is all anyone reads.
  await terms.deleteMany({ _id: { $lt: term } });
  options.logger.info({ factory: options.factory, term, owner }, 'factory lease acquired');

  let expiresAt = Date.now() + options.ttlMs;
  let stopped = false;
  const lose = (reason: string) => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    options.logger.error({ factory: options.factory, term, reason }, 'factory lease lost');
    options.onLost(reason);
  };
  const renew = async () => {
    // Never extend an expired term: another process may already have taken the factory over.
    if (Date.now() >= expiresAt) return lose('the lease expired before it could be renewed');
    const next = expiry();
    const { matchedCount } = await terms.updateOne({ _id: term }, { $set: { expiresAt: next } });
    if (stopped) return;
    if (!matchedCount) return lose('the lease term was removed');
    if (await terms.findOne({ _id: term + 1 })) return lose('another process took the factory over');
    expiresAt = next.getTime();
  };
  const timer = setInterval(
    () => {
      renew().catch((error: unknown) =>
        options.logger.warn(
          { err: error, factory: options.factory },
          'factory lease renewal failed; retrying',
        ),
      );
    },
    Math.max(10, Math.floor(options.ttlMs / 3)),
  );
  timer.unref();

  return {
    term,
    owner,
    release: async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await terms.updateOne({ _id: term }, { $set: { expiresAt: new Date() } });
      options.logger.info({ factory: options.factory, term }, 'factory lease released');
    },
  };
}
