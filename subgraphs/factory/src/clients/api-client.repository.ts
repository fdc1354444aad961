import type { Collection, Db } from 'mongodb';
import { hashSecret, verifySecret } from './secret-hash.ts';
import { SecretChecks } from './secret-checks.ts';

/** A service allowed to submit production requests to one factory. */
export interface ApiClientDoc {
  _id: string;
  secretHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export class ApiClientRepository {
  readonly collection: Collection<ApiClientDoc>;
  readonly #checks = new SecretChecks();

  constructor(db: Db) {
    this.collection = db.collection<ApiClientDoc>('api_clients');
  }

  /** Creates the client, or gives it a new secret. */
  async register(name: string, secret: string, now = new Date()): Promise<void> {
    await this.collection.updateOne(
      { _id: name },
      { $set: { secretHash: await hashSecret(secret), updatedAt: now }, $setOnInsert: { createdAt: now } },
      { upsert: true },
    );
  }

  /** Whether this secret of `name` was accepted lately (a hint for rate limiting, not authentication). */
  acceptedLately(name: string, secret: string): boolean {
    return this.#checks.acceptedLately(name, secret);
  }

  /** True only for a client of this factory presenting its current secret. */
  async verify(name: string, secret: string): Promise<boolean> {
    // Read every time, so a revoked or rotated client is refused at once even when its check is cached.
    const client = await this.collection.findOne({ _id: name });
    if (!client) return false;
    return this.#checks.check(name, secret, client.secretHash, () => verifySecret(secret, client.secretHash));
  }
}
