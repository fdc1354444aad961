import { Migration } from '@mikro-orm/migrations';

/**
 * The low-water mark's proof: the end of the ids seen at a snapshot and that
 * snapshot's xmax. Once every transaction below that xmax has ended, no id
 * below the candidate can still commit, however long its transaction ran.
 */
export class Migration20261203000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "orders"."outbox_sink_mark" add column "candidate" bigint null,
      add column "candidate_xmax" xid8 null;`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "orders"."outbox_sink_mark" drop column "candidate", drop column "candidate_xmax";`,
    );
  }
}
