import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPLETED_TAB, ORDERS_TAB } from '../../src/sheets/sheet-rows.ts';
import { orderLifecycle, rowsOf, serviceAccount, simulatedClock, sinkOn } from './fixtures.ts';
import { startSheetsStandIn, type SheetsStandIn } from './sheets-stand-in.ts';

let standIn: SheetsStandIn;
let credentials: ReturnType<typeof serviceAccount>;

beforeEach(async () => {
  standIn = await startSheetsStandIn();
  standIn.createSpreadsheet('sheet-1', [ORDERS_TAB, COMPLETED_TAB, 'dashboard']);
  credentials = serviceAccount(standIn);
});
afterEach(() => standIn.close());

describe('Google Sheets sink', () => {
  it("writes an order's three status rows and its completed row, in order", async () => {
    const clock = simulatedClock();
    const sink = sinkOn(standIn, credentials, { clock });
    const messages = orderLifecycle({ orderNumber: 'ORD-000042', leadSeconds: 90 });
    await sink.deliver(messages.slice(0, 2));
    await sink.deliver(messages.slice(2));

    const orders = rowsOf(standIn, ORDERS_TAB);
    expect(orders.map((row) => [row[0], row[2], row[7]])).toEqual([
      [messages[0]!.id, 'ORD-000042', 'VERIFIED'],
      [messages[1]!.id, 'ORD-000042', 'SCHEDULED'],
      [messages[2]!.id, 'ORD-000042', 'COMPLETE'],
    ]);
    expect(orders[0]!.slice(3, 7)).toEqual([
      'MANUAL',
      'Ada Lovelace',
      'ada@example.com',
      'WIDGET x3, GIZMO x1',
    ]);
    const completed = rowsOf(standIn, COMPLETED_TAB);
    expect(completed).toHaveLength(1);
    expect(completed[0]![1]).toBe('ORD-000042');
    expect(completed[0]![6]).toBe(90); // lead time seconds
    expect(completed[0]!.slice(7)).toEqual([3, 0, 1]); // WIDGET, GADGET, GIZMO
    expect(sink.status()).toMatchObject({ backlog: 0, rowsWritten: 4, lastError: null });
  });

  it('sends one append per tab per delivered batch', async () => {
    const sink = sinkOn(standIn, credentials, { clock: simulatedClock() });
    await sink.deliver([...orderLifecycle(), ...orderLifecycle(), ...orderLifecycle()]);
    const appends = standIn.log.filter((entry) => entry.kind === 'values.append');
    expect(appends.map((entry) => entry.rows)).toEqual([9, 3]);
  });

  it('does not write a row twice when a batch is delivered again', async () => {
    const sink = sinkOn(standIn, credentials, { clock: simulatedClock() });
    const messages = orderLifecycle();
    await sink.deliver(messages);
    await sink.deliver(messages);
    expect(rowsOf(standIn, ORDERS_TAB)).toHaveLength(3);
    expect(rowsOf(standIn, COMPLETED_TAB)).toHaveLength(1);
  });

  it('does not write a row twice that another process wrote before it died', async () => {
    const [survivor, dying] = [
      sinkOn(standIn, credentials, { clock: simulatedClock() }),
      sinkOn(standIn, credentials, { clock: simulatedClock() }),
    ];
    const messages = orderLifecycle();
    await survivor.deliver(messages.slice(0, 1));
    // The other process appends the next rows, then dies before the outbox records them delivered...
    await dying.deliver(messages.slice(1));
    // ...so the survivor, told it no longer delivered last, is given them again.
    survivor.resume!();
    await survivor.deliver(messages.slice(1));
    expect(rowsOf(standIn, ORDERS_TAB).map((row) => row[0])).toEqual(messages.map((message) => message.id));
    expect(rowsOf(standIn, COMPLETED_TAB)).toHaveLength(1);
  });
});
