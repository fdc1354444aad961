/**
 * Sustained rows per minute the Google Sheets sink delivers within the default
 * quota (60 writes/min), against the local stand-in, for several outbox batch
 * sizes. The sink's waits run on a simulated clock so a quota-minute costs no
 * real time; `--real-seconds=N` also runs one batch size on the real clock.
 *   node scripts/bench/sheets-throughput.ts [--minutes=5] [--real-seconds=0]
 */
import type { OutboxMessage } from '../../subgraphs/orders/src/outbox/outbox-message.ts';
import { systemClock, type Clock } from '../../subgraphs/orders/src/sheets/clock.ts';
import { COMPLETED_TAB, ORDERS_TAB } from '../../subgraphs/orders/src/sheets/sheet-rows.ts';
import {
  orderLifecycle,
  rowsOf,
  serviceAccount,
  simulatedClock,
  sinkOn,
} from '../../subgraphs/orders/test/sheets/fixtures.ts';
import { startSheetsStandIn } from '../../subgraphs/orders/test/sheets/sheets-stand-in.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);

async function run(batchSize: number, clock: Clock, durationMs: number) {
  const standIn = await startSheetsStandIn({ now: clock.now });
  standIn.createSpreadsheet('sheet-1', [ORDERS_TAB, COMPLETED_TAB]);
  const sink = sinkOn(standIn, serviceAccount(standIn), { clock });
  const started = clock.now();
  const wallStart = performance.now();
  let backlog: OutboxMessage[] = [];
  while (clock.now() - started < durationMs) {
    while (backlog.length < batchSize) backlog.push(...orderLifecycle());
    await sink.deliver(backlog.slice(0, batchSize));
    backlog = backlog.slice(batchSize);
  }
  const minutes = (clock.now() - started) / 60_000;
  const rows = rowsOf(standIn, ORDERS_TAB).length + rowsOf(standIn, COMPLETED_TAB).length;
  const writes = standIn.log.filter((e) => e.kind === 'values.append').length;
  await standIn.close();
  return {
    batchSize,
    minutes: +minutes.toFixed(2),
    rows,
    rowsPerMinute: Math.round(rows / minutes),
    writesPerMinute: +(writes / minutes).toFixed(1),
    wallSeconds: +((performance.now() - wallStart) / 1000).toFixed(1),
  };
}

const minutes = arg('minutes', 5);
const results = [];
for (const batchSize of [1, 10, 100]) results.push(await run(batchSize, simulatedClock(), minutes * 60_000));
const realSeconds = arg('real-seconds', 0);
if (realSeconds > 0) results.push({ ...(await run(100, systemClock, realSeconds * 1000)), clock: 'real' });
console.table(results);
