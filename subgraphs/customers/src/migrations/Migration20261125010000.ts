import { Migration } from '@mikro-orm/migrations';

/** Serves the stable page order (createdAt, id) of `customers` without a sort. */
export class Migration20261125010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "customer_created_at_id_index" on "customers"."customer" ("created_at", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "customers"."customer_created_at_id_index";`);
  }
}
