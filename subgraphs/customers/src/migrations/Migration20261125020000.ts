import { Migration } from '@mikro-orm/migrations';

/**
 * Millisecond timestamps, as JavaScript dates hold: the page cursor carries
 * createdAt as a JS date, so a microsecond value (from SQL `now()`, e.g. the
 * seed) would compare greater than its own cursor and repeat across pages.
 */
export class Migration20261125020000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "customers"."customer"
      alter column "created_at" type timestamptz(3),
      alter column "updated_at" type timestamptz(3);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "customers"."customer"
      alter column "created_at" type timestamptz,
      alter column "updated_at" type timestamptz;`);
  }
}
