// Completion throughput of one factory at SIM_TIME_SCALE=0: submit N production orders,
// time until all are COMPLETED (webhooks to a local 200 receiver). Median of RUNS runs.
// Usage: MONGODB_URL=mongodb://... node scripts/bench/factory-throughput.ts [orders=200] [runs=3]
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFactoryService } from '../../subgraphs/factory/src/app.ts';
import { loadFactoryConfig } from '../../subgraphs/factory/src/config.ts';
import { sleep } from '../../packages/kit/src/sim-time.ts';

const [orders = 200, runs = 3] = process.argv.slice(2).map(Number);
const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
const rates: number[] = [];
for (let run = 0; run < runs; run++) {
  const service = await startFactoryService(
    loadFactoryConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      PORT: '0',
      SIM_TIME_SCALE: '0',
      FACTORIES: 'widgets',
      FACTORY_DB_PREFIX: `ff_bench_${Date.now().toString(36)}_`,
      ORDERS_WEBHOOK_URL: hook,
      AGENDA_PROCESS_EVERY_MS: '200',
    }),
  );
  const unit = service.factories.get('widgets')!;
  const started = performance.now();
  const { submitProductionRequest } =
    await import('../../subgraphs/factory/src/production/production-request.service.ts');
  await submitProductionRequest({ orders: unit.orders, startSoon: unit.startSoon }, 'widgets', {
    orderNumber: `BENCH-${run}`,
    lines: Array.from({ length: orders }, (_, i) => ({
      lineId: String(i),
      product: 'WIDGET' as const,
      quantity: 1,
    })),
  });
  while ((await unit.orders.collection.countDocuments({ status: 'COMPLETED' })) < orders) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  rates.push(orders / seconds);
  console.log(
    `run ${run + 1}: ${orders} completions in ${seconds.toFixed(2)} s = ${(orders / seconds).toFixed(1)} jobs/s`,
  );
  await unit.db.dropDatabase();
  await service.close();
}
rates.sort((a, b) => a - b);
console.log(
  `median: ${rates[Math.floor(rates.length / 2)]!.toFixed(1)} jobs/s (lines=${process.env.PRODUCTION_LINES ?? 2})`,
);
receiver.close();
