import { Migration } from '@mikro-orm/migrations';

/** The random-order settings moved into their Agenda job (MongoDB); the old table goes. */
export class Migration20261126000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop table if exists "orders"."random_order_settings";');
  }

  override async down(): Promise<void> {
    this.addSql(`create table "orders"."random_order_settings" (
      "id" int primary key check ("id" = 1),
      "enabled" boolean not null,
      "every" text not null,
      "every_ms" bigint not null,
      "next_run_at" timestamptz null,
      "updated_at" timestamptz not null);`);
  }
}
