import { defineConfig } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import { ormLogger } from '#kit/orm-logger.ts';
import { Migrator } from '@mikro-orm/migrations';
import { CustomerSchema } from './customer/customer.entity.ts';
import { Migration20261125000000 } from './migrations/Migration20261125000000.ts';
import { Migration20261125010000 } from './migrations/Migration20261125010000.ts';
import { Migration20261125020000 } from './migrations/Migration20261125020000.ts';

/** The customers service's ORM: schema `customers`, migrations listed here (no file globbing). */
export function ormConfig(clientUrl: string, logger?: Logger) {
  return defineConfig({
    clientUrl,
    schema: 'customers',
    entities: [CustomerSchema],
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      // Migrations are written by hand; no schema snapshot file beside the working directory.
      snapshot: false,
      migrationsList: [
        { name: 'Migration20261125000000', class: Migration20261125000000 },
        { name: 'Migration20261125010000', class: Migration20261125010000 },
        { name: 'Migration20261125020000', class: Migration20261125020000 },
      ],
    },
    ...(logger ? ormLogger(logger) : {}),
  });
}
