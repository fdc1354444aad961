import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPLETED_TAB, ORDERS_TAB } from '../../src/sheets/sheet-rows.ts';
import {
  deliverUntilAccepted,
  orderLifecycle,
  peakPerMinute,
  rowsOf,
  serviceAccount,
  simulatedClock,
  sinkOn,
} from './fixtures.ts';
import { startSheetsStandIn, type SheetsStandIn } from './sheets-stand-in.ts';

let standIn: SheetsStandIn;
let credentials: ReturnType<typeof serviceAccount>;
let clock: ReturnType<typeof simulatedClock>;

beforeEach(async () => {
  clock = simulatedClock();
  standIn = await startSheetsStandIn({ now: clock.now });
  standIn.createSpreadsheet('sheet-1', [ORDERS_TAB, COMPLETED_TAB]);
  credentials = serviceAccount(standIn);
});
afterEach(() => standIn.close());

/** Every message's row exactly once, and each order's rows in status order. */
function expectEachRowOnce(ids: string[], completedIds: string[]) {
  const orders = rowsOf(standIn, ORDERS_TAB).map((row) => String(row[0]));
  expect([...orders].sort()).toEqual([...ids].sort());
  expect(orders.map(Number)).toEqual([...orders.map(Number)].sort((a, b) => a - b));
  expect(
    rowsOf(standIn, COMPLETED_TAB)
      .map((row) => String(row[0]))
      .sort(),
  ).toEqual([...completedIds].sort());
}

describe('Google Sheets sink under failure', () => {
  it('survives a 10-minute outage and then writes every row once', async () => {
    const outageEnds = clock.now() + 10 * 60_000;
    standIn.setFault((kind) => (kind !== 'token' && clock.now() < outageEnds ? { status: 503 } : undefined));
    const sink = sinkOn(standIn, credentials, { clock });
    const batches = [orderLifecycle(), orderLifecycle(), orderLifecycle()];
    let failures = 0;
    for (const batch of batches) {
      await deliverUntilAccepted(sink, batch, clock, () => {
        failures++;
        expect(sink.status()).toMatchObject({ backlog: 3, lastError: { status: 503 } });
      });
    }
    expect(failures).toBeGreaterThan(0);
    expect(clock.now()).toBeGreaterThanOrEqual(outageEnds);
    const all = batches.flat();
    expectEachRowOnce(
      all.map((m) => m.id),
      all.filter((m) => m.payload.status === 'COMPLETE').map((m) => m.id),
    );
    expect(sink.status()).toMatchObject({ backlog: 0, consecutiveFailures: 0 });
  });

  it('keeps within the write quota through a 429 storm', async () => {
    const stormEnds = clock.now() + 3 * 60_000;
    // Google's side: 429 during the storm, and whenever the last minute already had 10 writes.
    standIn.setFault((kind) => {
      if (kind === 'token') return undefined;
      if (clock.now() < stormEnds) return { status: 429 };
      const window = clock.now() - 60_000;
      const isWrite = kind === 'values.append' || kind === 'batchUpdate';
      const recent = standIn.log.filter(
        (e) => e.at > window && (e.kind === 'values.append' || e.kind === 'batchUpdate') === isWrite,
      );
      return recent.length > 10 ? { status: 429 } : undefined;
    });
    const sink = sinkOn(standIn, credentials, { clock, writesPerMinute: 10, readsPerMinute: 10 });
    const batches = Array.from({ length: 20 }, () => orderLifecycle());
    for (const batch of batches) await deliverUntilAccepted(sink, batch, clock);

    const refused = standIn.log.filter((entry) => entry.outcome === 429);
    expect(refused.length).toBeGreaterThan(5);
    expect(refused.every((entry) => entry.at < stormEnds)).toBe(true); // never over quota after the storm
    expect(peakPerMinute(standIn, 'writes')).toBeLessThanOrEqual(10);
    expect(peakPerMinute(standIn, 'reads')).toBeLessThanOrEqual(10);
    const all = batches.flat();
    expectEachRowOnce(
      all.map((m) => m.id),
      all.filter((m) => m.payload.status === 'COMPLETE').map((m) => m.id),
    );
  });

  it('does not duplicate rows when an append succeeded but its reply was lost', async () => {
    let dropped = 0;
    standIn.setFault((kind) =>
      kind === 'values.append' && dropped++ === 0 ? { dropReply: true } : undefined,
    );
    const sink = sinkOn(standIn, credentials, { clock });
    const messages = orderLifecycle();
    await sink.deliver(messages);

    expect(
      standIn.log.map((entry) => [entry.kind, entry.outcome]).filter(([kind]) => kind !== 'token'),
    ).toEqual([
      ['values.get', 200], // start-up: what is already there
      ['values.append', 'dropped'], // applied, reply lost
      ['values.get', 200], // read back before retrying: the rows are there, so no second append
      ['values.get', 200],
      ['values.append', 200], // completed_orders
    ]);
    expectEachRowOnce(
      messages.map((m) => m.id),
      [messages[2]!.id],
    );
  });

  it('retries an append that timed out without being applied', async () => {
    let hung = 0;
    standIn.setFault((kind) => (kind === 'values.append' && hung++ === 0 ? { hang: true } : undefined));
    const sink = sinkOn(standIn, credentials, { clock, requestTimeoutMs: 300 });
    const messages = orderLifecycle();
    await sink.deliver(messages);
    expectEachRowOnce(
      messages.map((m) => m.id),
      [messages[2]!.id],
    );
    expect(standIn.log.filter((e) => e.kind === 'values.append').map((e) => e.outcome)).toEqual([
      'hung',
      200,
      200,
    ]);
  });

  it('loses nothing and duplicates nothing across a restart mid-backlog', async () => {
    const batches = [orderLifecycle(), orderLifecycle(), orderLifecycle()];
    const first = sinkOn(standIn, credentials, { clock, maxAttempts: 1 });
    await first.deliver(batches[0]!);
    // The next append lands but its reply is lost, and the process dies before the outbox marks it delivered.
    standIn.setFault((kind) => (kind === 'values.append' ? { dropReply: true } : undefined));
    await expect(first.deliver(batches[1]!)).rejects.toThrow();
    standIn.setFault(() => undefined);

    // A new process: the outbox hands it everything not marked delivered, including batch 0 again.
    const second = sinkOn(standIn, credentials, { clock });
    for (const batch of batches) await second.deliver(batch);
    const all = batches.flat();
    expectEachRowOnce(
      all.map((m) => m.id),
      all.filter((m) => m.payload.status === 'COMPLETE').map((m) => m.id),
    );
  });

  it('fails without writing when the token endpoint refuses the key', async () => {
    const stranger = serviceAccount(await startSheetsStandIn(), 'stranger@other.iam.gserviceaccount.com');
    const sink = sinkOn(standIn, stranger, { clock });
    await expect(sink.deliver(orderLifecycle())).rejects.toThrow(/invalid_grant|unknown issuer/i);
    expect(rowsOf(standIn, ORDERS_TAB)).toHaveLength(0);
    expect(sink.status().lastError?.message).toMatch(/issuer|invalid_grant/i);
  });
});
