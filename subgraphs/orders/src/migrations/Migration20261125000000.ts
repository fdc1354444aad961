import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "orders";`);
    this.addSql(`create sequence "orders"."order_number_seq";`);
    this.addSql(`create table "orders"."order" (
      "id" bigserial primary key,
      "number" varchar(20) not null unique,
      "customer_id" uuid not null,
      "status" text not null check ("status" in ('VERIFIED', 'SCHEDULED', 'COMPLETE', 'REJECTED')),
      "source" text not null check ("source" in ('MANUAL', 'AUTOMATED')),
      "placed_at" timestamptz not null,
      "scheduled_at" timestamptz null,
      "completed_at" timestamptz null,
      "version" int not null default 1);`);
    this.addSql(`create index "order_customer_id_index" on "orders"."order" ("customer_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "orders"."order";`);
    this.addSql(`drop sequence if exists "orders"."order_number_seq";`);
  }
}
