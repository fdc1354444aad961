import { Migration } from '@mikro-orm/migrations';

/**
 * Speed: the order number from the column's default (no separate nextval
 * round trip), each order's W3C traceparent, and each outbox sink's low-water
 * mark (every message below it is delivered to that sink), so reading what is
 * undelivered does not scan what was delivered long ago.
 */
export class Migration20261202000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function "orders"."next_order_number"() returns text language sql volatile as $$
      select 'ORD-' || lpad(n::text, greatest(6, length(n::text)), '0')
        from (select nextval('"orders"."order_number_seq"') as n) as s $$;`);
    this
      .addSql(`alter table "orders"."order" alter column "number" set default "orders"."next_order_number"(),
      add column "traceparent" varchar(55) null;`);
    this.addSql(`create table "orders"."outbox_sink_mark" (
      "sink" text primary key,
      "low_water" bigint not null);`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists "orders"."outbox_sink_mark";');
    this.addSql(
      `alter table "orders"."order" alter column "number" drop default, drop column "traceparent";`,
    );
    this.addSql('drop function if exists "orders"."next_order_number"();');
  }
}
