import { Migration } from '@mikro-orm/migrations';

/** Lines, append-only history, outbox, random-order settings and the scheduling columns. */
export class Migration20261125010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders"."order"
      add column "client_request_id" varchar(200) null unique,
      add column "customer_name" text not null default '',
      add column "customer_email" text not null default '',
      add column "schedule_attempts" int not null default 0,
      add column "next_schedule_at" timestamptz null,
      add column "last_schedule_error" text null;`);
    this.addSql(`create index "order_due_for_scheduling_index" on "orders"."order" ("next_schedule_at")
      where "status" = 'VERIFIED';`);
    this.addSql(`create index "order_status_placed_at_index" on "orders"."order" ("status", "placed_at");`);
    this.addSql(`create table "orders"."order_line" (
      "id" uuid primary key,
      "order_id" bigint not null references "orders"."order" ("id"),
      "position" int not null,
      "product" text not null check ("product" in ('WIDGET', 'GADGET', 'GIZMO')),
      "factory" text not null,
      "quantity" int not null check ("quantity" > 0),
      "attributes" jsonb not null,
      "status" text not null check ("status" in ('PENDING', 'REQUESTED', 'COMPLETED')),
      "production_order_id" text null,
      "completed_at" timestamptz null,
      unique ("order_id", "position"));`);
    this.addSql(`create table "orders"."order_event" (
      "id" bigserial primary key,
      "order_id" bigint not null references "orders"."order" ("id"),
      "status" text not null,
      "at" timestamptz not null,
      "note" text null);`);
    this.addSql(`create index "order_event_order_id_index" on "orders"."order_event" ("order_id", "id");`);
    this.addSql(`create table "orders"."outbox_message" (
      "id" bigserial primary key,
      "topic" text not null,
      "key" text not null,
      "payload" jsonb not null,
      "created_at" timestamptz not null);`);
    this.addSql(`create table "orders"."outbox_delivery" (
      "sink" text not null,
      "message_id" bigint not null references "orders"."outbox_message" ("id"),
      "delivered_at" timestamptz not null,
      primary key ("sink", "message_id"));`);
    this.addSql(`create table "orders"."random_order_settings" (
      "id" int primary key check ("id" = 1),
      "enabled" boolean not null,
      "every" text not null,
      "every_ms" bigint not null,
      "next_run_at" timestamptz null,
      "updated_at" timestamptz not null);`);
  }

  override async down(): Promise<void> {
    for (const table of [
      'random_order_settings',
      'outbox_delivery',
      'outbox_message',
      'order_event',
      'order_line',
    ])
      this.addSql(`drop table if exists "orders"."${table}";`);
    this.addSql(`alter table "orders"."order" drop column "client_request_id", drop column "customer_name",
      drop column "customer_email", drop column "schedule_attempts", drop column "next_schedule_at",
      drop column "last_schedule_error";`);
  }
}
