import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';

const suffix = () => randomBytes(4).toString('hex');

/** A new, empty PostgreSQL database for one test file; dropped when the run ends. */
export async function createPostgresDatabase(label = 'db'): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  const name = `${inject('runPrefix')}${label}_${suffix()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The run's MongoDB-wire server. */
export const mongoUrl = () => inject('mongoUrl');

/** A fresh database name on the MongoDB-wire server (databases appear on first write). */
export const mongoDatabaseName = (label = 'db') => `${inject('runPrefix')}${label}_${suffix()}`;
