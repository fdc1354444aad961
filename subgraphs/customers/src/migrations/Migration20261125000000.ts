import { Migration } from '@mikro-orm/migrations';

export class Migration20261125000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "customers";`);
    this.addSql(`create table "customers"."customer" (
      "id" uuid not null,
      "name" varchar(200) not null,
      "email" varchar(320) not null,
      "phone" varchar(40) null,
      "address" jsonb null,
      "active" boolean not null default true,
      "created_at" timestamptz not null,
      "updated_at" timestamptz not null,
      "version" int not null default 1,
      constraint "customer_pkey" primary key ("id"));`);
    // Email is unique regardless of case.
    this.addSql(
      `create unique index "customer_email_lower_unique" on "customers"."customer" (lower("email"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "customers"."customer";`);
  }
}
