import { defineConfig } from '@mikro-orm/postgresql';
import type { Logger } from '#kit/logger.ts';
import { ormLogger } from '#kit/orm-logger.ts';
import { Migrator } from '@mikro-orm/migrations';
import { OrderSchema } from './order/order.entity.ts';
import { OrderLineSchema } from './order/order-line.entity.ts';
import { OrderEventSchema } from './order/order-event.entity.ts';
import { Migration20261125000000 } from './migrations/Migration20261125000000.ts';
import { Migration20261125010000 } from './migrations/Migration20261125010000.ts';
import { Migration20261126000000 } from './migrations/Migration20261126000000.ts';
import { Migration20261201000000 } from './migrations/Migration20261201000000.ts';
import { Migration20261202000000 } from './migrations/Migration20261202000000.ts';
import { Migration20261203000000 } from './migrations/Migration20261203000000.ts';

/** The orders service's ORM: schema `orders`, migrations listed here (no file globbing). */
export function ormConfig(clientUrl: string, logger?: Logger) {
  return defineConfig({
    clientUrl,
    schema: 'orders',
    entities: [OrderSchema, OrderLineSchema, OrderEventSchema],
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      // Migrations are written by hand; no schema snapshot file beside the working directory.
      snapshot: false,
      migrationsList: [
        { name: 'Migration20261125000000', class: Migration20261125000000 },
        { name: 'Migration20261125010000', class: Migration20261125010000 },
        { name: 'Migration20261126000000', class: Migration20261126000000 },
        { name: 'Migration20261201000000', class: Migration20261201000000 },
        { name: 'Migration20261202000000', class: Migration20261202000000 },
        { name: 'Migration20261203000000', class: Migration20261203000000 },
      ],
    },
    ...(logger ? ormLogger(logger) : {}),
  });
}
