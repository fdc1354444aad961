import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import { ensurePostgresDatabase, postgresAnswers } from '#kit/postgres.ts';
import { localPostgres, type LocalPostgres } from '#kit/embedded-postgres.ts';

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('localPostgres', () => {
  const parent = mkdtempSync(join(tmpdir(), 'ff-embedded-pg-'));
  // As root the server runs as the postgres user, who must be able to reach its data directory.
  chmodSync(parent, 0o755);
  const dataDir = join(parent, 'data');
  let started: LocalPostgres | undefined;
  afterAll(async () => {
    await started?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it('starts an embedded PostgreSQL 17 where nothing answers, keeps its data, and stops it', async () => {
    const port = await freePort();
    const probe = `postgres://postgres@127.0.0.1:${port}/factory_floor`;
    expect(await postgresAnswers(probe)).toBe(false);

    started = await localPostgres({ url: probe, dataDir });
    expect(started.embedded).toBe(true);
    expect(started.url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    const [row] = await query(started.url, 'SELECT current_setting($$server_version_num$$)::int AS version');
    expect(row!.version).toBeGreaterThanOrEqual(170000);

    // What npm start does next: its database, and a table that survives a restart.
    await ensurePostgresDatabase(probe);
    await query(probe, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
    await started.stop();
    expect(await postgresAnswers(probe)).toBe(false);

    started = await localPostgres({ url: probe, dataDir });
    expect(started.embedded).toBe(true);
    expect(await query(probe, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    await started.stop();
    started = undefined;
  }, 60_000);

  it('uses the server that answers instead of starting one', async () => {
    const running = inject('postgresAdminUrl');
    const unused = join(parent, 'unused');
    const found = await localPostgres({ url: running, dataDir: unused });
    expect(found.embedded).toBe(false);
    expect(new URL(found.url).port).toBe(new URL(running).port);
    expect(existsSync(unused)).toBe(false);
  });

  it('refuses to embed a server for an address on another host', async () => {
    await expect(
      localPostgres({ url: 'postgres://postgres@192.0.2.1:5432/x', dataDir: join(parent, 'remote') }),
    ).rejects.toThrow(/does not answer at 192\.0\.2\.1:5432/);
  });
});
