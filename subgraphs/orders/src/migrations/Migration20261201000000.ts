import { Migration } from '@mikro-orm/migrations';

/** Which process delivered to each outbox sink last, so a sink knows when another one may have written. */
export class Migration20261201000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "orders"."outbox_sink_holder" (
      "sink" text primary key,
      "holder" text not null,
      "since" timestamptz not null);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "orders"."outbox_sink_holder";');
  }
}
