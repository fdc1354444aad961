import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { ormConfig } from '../../src/mikro-orm.config.ts';
import { outboxPass } from '../../src/outbox/outbox-dispatcher.ts';
import { appendOutboxMessage } from '../../src/outbox/outbox.repository.ts';
import { COMPLETED_TAB, ORDERS_TAB } from '../../src/sheets/sheet-rows.ts';
import { orderLifecycle, rowsOf, serviceAccount, silentLogger, simulatedClock, sinkOn } from './fixtures.ts';
import { startSheetsStandIn, type SheetsStandIn } from './sheets-stand-in.ts';

let orm: MikroORM;
let standIn: SheetsStandIn;

beforeAll(async () => {
  orm = await MikroORM.init(ormConfig(await createPostgresDatabase('sheets_outbox')));
  await orm.migrator.up();
  standIn = await startSheetsStandIn();
  standIn.createSpreadsheet('sheet-1', [ORDERS_TAB, COMPLETED_TAB]);
});
afterAll(async () => {
  await standIn?.close();
  await orm?.close();
});

describe('Google Sheets sink behind the real outbox dispatcher', () => {
  it('delivers PostgreSQL outbox messages once, across a lost reply and a restart', async () => {
    const credentials = serviceAccount(standIn);
    const orders = [orderLifecycle(), orderLifecycle()];
    await orm.em.fork().transactional(async (tx) => {
      for (const message of orders.flat()) await appendOutboxMessage(tx, message.payload);
    });
    const dispatch = { orm, logger: silentLogger, retryBaseMs: 0, retryMaxMs: 0, batchSize: 4 };

    // First process: the first append lands but its reply is lost, and the sink gives up at once.
    standIn.setFault((kind) => (kind === 'values.append' ? { dropReply: true } : undefined));
    const dying = sinkOn(standIn, credentials, { clock: simulatedClock(), maxAttempts: 1 });
    await outboxPass({ ...dispatch, sinks: [dying] })();
    expect(rowsOf(standIn, ORDERS_TAB)).toHaveLength(4);
    standIn.setFault(() => undefined);

    // Second process: the outbox still holds every message for this sink and hands them over again.
    const sink = sinkOn(standIn, credentials, { clock: simulatedClock() });
    const pass = outboxPass({ ...dispatch, sinks: [sink] });
    while (await pass());

    const rows = rowsOf(standIn, ORDERS_TAB);
    expect(rows.map((row) => `${row[2]} ${row[7]}`)).toEqual(
      orders.flatMap((lifecycle) => lifecycle.map((m) => `${m.payload.orderNumber} ${m.payload.status}`)),
    );
    expect(new Set(rows.map((row) => row[0])).size).toBe(6);
    expect(rowsOf(standIn, COMPLETED_TAB).map((row) => row[1])).toEqual(orders.map((o) => o[0]!.key));
  });
});
