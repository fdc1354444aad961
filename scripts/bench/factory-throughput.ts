// Completion throughput of one factory at SIM_TIME_SCALE=0: submit N production orders over
// HTTP as the order service does, time until all are COMPLETED (webhooks to a local 200
// receiver). Median of RUNS runs, each in a fresh process and fresh databases.
// Usage: MONGODB_URL=mongodb://... node scripts/bench/factory-throughput.ts [orders=100] [runs=3] [other-checkout]
// (BENCH_LINES_PER_REQUEST, default 100: how many orders one production request carries)
// With another checkout of the repo (e.g. an older commit extracted by `git archive`), runs
// alternate between the two so both see the same machine load, and both medians are printed.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLIENT = 'bench:bench-client-secret';
const here = fileURLToPath(import.meta.url);
const thisRoot = fileURLToPath(new URL('../../', import.meta.url));

/** One run in this process against the factory code under `root`; prints jobs/s as JSON. */
async function singleRun(root: string, orders: number) {
  const { startFactoryService } = await import(`${root}/subgraphs/factory/src/app.ts`);
  const { loadFactoryConfig } = await import(`${root}/subgraphs/factory/src/config.ts`);
  const receiver = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const service = await startFactoryService(
    loadFactoryConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      PORT: '0',
      SIM_TIME_SCALE: '0',
      FACTORIES: 'widgets',
      FACTORY_DB_PREFIX: `ff_bench_${Date.now().toString(36)}_`,
      FACTORY_BOOTSTRAP_CLIENT: CLIENT,
      ORDERS_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      AGENDA_PROCESS_EVERY_MS: process.env.AGENDA_PROCESS_EVERY_MS ?? '200',
    }),
  );
  const unit = service.factories.get('widgets');
  const query = `mutation ($input: ProductionRequestInput!) {
    submitProductionRequest(factory: "widgets", input: $input) { orderNumber } }`;
  const started = performance.now();
  // BENCH_LINES_PER_REQUEST=1 makes every order its own request, as the order service sends them.
  const perRequest = Number(process.env.BENCH_LINES_PER_REQUEST ?? 100);
  for (let first = 0; first < orders; first += perRequest) {
    const lines = Array.from({ length: Math.min(perRequest, orders - first) }, () => ({
      lineId: crypto.randomUUID(), // the factory takes only UUID line ids, as the order service makes them
      product: 'WIDGET',
      quantity: 1,
    }));
    const response = await fetch(`${service.http.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(CLIENT).toString('base64')}`,
      },
      body: JSON.stringify({ query, variables: { input: { orderNumber: `BENCH-${first}`, lines } } }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  }
  // Polled every 50 ms: the figure is late by at most that much.
  while ((await unit.orders.collection.countDocuments({ status: 'COMPLETED' })) < orders) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  // Drop only after closing: FerretDB 1.24 on SQLite can die (SIGBUS) when a database is dropped under live queries.
  const { db } = unit;
  await service.close();
  const { MongoClient } = await import('mongodb');
  const mongo = await new MongoClient(process.env.MONGODB_URL!).connect();
  await mongo.db(db.databaseName).dropDatabase();
  await mongo.close();
  receiver.close();
  console.log(JSON.stringify({ rate: orders / seconds, seconds }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

if (process.argv[2] === '--single') {
  await singleRun(process.argv[3]!, Number(process.argv[4]));
  process.exit(0);
}
const [ordersArg, runsArg, other] = process.argv.slice(2);
const orders = Number(ordersArg ?? 100);
const runs = Number(runsArg ?? 3);
const roots = other ? [thisRoot, other] : [thisRoot];
const rates = new Map<string, number[]>(roots.map((root) => [root, []]));
for (let run = 0; run < runs; run++) {
  for (const root of run % 2 ? [...roots].reverse() : roots) {
    const out = execFileSync(process.execPath, [here, '--single', root, String(orders)], {
      env: { LOG_LEVEL: 'silent', ...process.env },
      encoding: 'utf8',
    });
    const { rate, seconds } = JSON.parse(out.trim().split('\n').pop()!) as { rate: number; seconds: number };
    rates.get(root)!.push(rate);
    console.log(
      `run ${run + 1} ${root}: ${orders} completions in ${seconds.toFixed(2)} s = ${rate.toFixed(1)} jobs/s`,
    );
  }
}
for (const [root, values] of rates) {
  console.log(
    `median ${root}: ${median(values).toFixed(1)} jobs/s over ${runs} runs ` +
      `(lines=${process.env.PRODUCTION_LINES ?? 2}, runs: ${values.map((v) => v.toFixed(1)).join(', ')})`,
  );
}
