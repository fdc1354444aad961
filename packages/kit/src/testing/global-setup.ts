import type { TestProject } from 'vitest/node';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { throwawayMongo } from '../ferretdb.ts';
import { localPostgres } from '../embedded-postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL with rights to create databases. */
    postgresAdminUrl: string;
    /** A MongoDB-wire server for this run. */
    mongoUrl: string;
    /** Prefix of every database this run creates, so teardown finds them. */
    runPrefix: string;
  }
}

/**
 * Real servers for the whole run: PostgreSQL from TEST_DATABASE_URL or DATABASE_URL, else the one
 * answering on LOCAL_POSTGRES_URL (localhost:5432), else an embedded one started here on a throwaway
 * directory; MongoDB from MONGODB_URL or a FerretDB started here likewise. Tests create their own
 * databases inside them.
 */
export default async function setup(project: TestProject) {
  const runPrefix = `ff_test_${Date.now().toString(36)}_`;
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  const postgresDir = join(tmpdir(), `${runPrefix}postgres`);
  const local = configured
    ? undefined
    : await localPostgres({
        url: process.env.LOCAL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
        dataDir: postgresDir,
      });
  const postgresAdminUrl = configured ?? local!.url;

  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${postgresAdminUrl}: ${error.message}`);
  });
  await admin.end();

  const mongo = await throwawayMongo('test');
  const mongoUrl = mongo.url;

  project.provide('postgresAdminUrl', postgresAdminUrl);
  project.provide('mongoUrl', mongoUrl);
  project.provide('runPrefix', runPrefix);

  return async () => {
    await mongo.stop();
    const cleanup = new pg.Client({ connectionString: postgresAdminUrl });
    await cleanup.connect();
    const { rows } = await cleanup.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${runPrefix}%`],
    );
    for (const { datname } of rows) await cleanup.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await cleanup.end();
    if (local?.embedded) {
      await local.stop();
      rmSync(postgresDir, { recursive: true, force: true });
    }
  };
}
