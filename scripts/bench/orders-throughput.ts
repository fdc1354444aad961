/**
 * End-to-end capacity at SIM_TIME_SCALE=0: orders placed through the gateway
 * at a fixed arrival rate (an open-loop generator in its own process), with
 * customers, factory, orders and the gateway each in its own process as
 * `npm start` runs them, on real PostgreSQL and a MongoDB-wire server
 * (DATABASE_URL's server / MONGODB_URL, else localhost PostgreSQL and a
 * FerretDB started here). Completion is observed on one LISTEN connection
 * (the orders' own NOTIFY), not by polling. After the load, it checks that
 * every order is COMPLETE with history exactly VERIFIED → SCHEDULED →
 * COMPLETE and every outbox message was delivered once to each sink.
 *   node scripts/bench/orders-throughput.ts [--rates=100,300] [--seconds=60] [--warmup=10]
 *     [--drain=120] [--seed-delivered=0] [--seed-production=0] [--checkout=DIR ...]
 * --checkout (repeatable) runs the services from other checkouts too (e.g. main's), side by side.
 * --profile=orders (or customers, factory, gateway) runs that service under `node --cpu-prof`.
 * CPU ms/order covers the four services, the FerretDB started here and the PostgreSQL backends
 * serving the run's database.
 * --crash=factory@15 (repeatable; customers, factory, orders, gateway or mongo) SIGKILLs that
 * process 15 s into the load and starts it again: the verification then shows whether the
 * guarantees held under load.
 * Each run starts its own FerretDB (unless MONGODB_URL), the checkout's own build, so trees of
 * different patch levels compare. --wire-count puts a counting proxy before it and prints the
 * MongoDB-wire commands per order (the proxy's CPU is the benchmark's, on the same cores).
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { signToken } from '#kit/auth.ts';
import { FACTORY_IDS } from '#catalogue/products.ts';
import { freePort } from '#kit/ferretdb.ts';
import { runOpenLoop } from './lib/open-loop-run.ts';
import { backendCpuBetween, backendCpuMs, cpuMsOf, loadAverage, percentile } from './lib/measure.ts';
import { listenForStatuses } from './lib/order-statuses.ts';
import { seedDeliveredOutbox, verifyOrders } from './lib/orders-verification.ts';
import { seedProductionOrders } from './lib/production-seed.ts';
import { ferretDbBinaryOf } from './lib/checkout-ferretdb.ts';
import { parseCrashes, restartableFerretDb, scheduleCrashes } from './lib/crashes.ts';
import { countingProxy, perJob } from './lib/wire-count.ts';
import { goalRow, printGoals } from './lib/goals.ts';
import { benchSecrets } from './secrets.ts';
import {
  localUrl,
  SERVICE_NAMES,
  spawnService,
  stopServices,
  waitReady,
  type ServiceName,
} from '../lib/services.ts';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,300' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    drain: { type: 'string', default: '120' },
    'seed-delivered': { type: 'string', default: '0' },
    /** Completed, delivered production orders stored in each factory's database before it starts. */
    'seed-production': { type: 'string', default: '0' },
    checkout: { type: 'string', multiple: true, default: [] },
    /** A service to run under `node --cpu-prof` (profiles in --profile-dir, default /tmp/ff-bench-profiles). */
    profile: { type: 'string' },
    'profile-dir': { type: 'string', default: '/tmp/ff-bench-profiles' },
    crash: { type: 'string', multiple: true, default: [] },
    'wire-count': { type: 'boolean', default: false },
  },
});
const crashes = parseCrashes(values.crash, [...SERVICE_NAMES, 'mongo']);
const rates = values.rates.split(',').map(Number);
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const DRAIN = Number(values.drain);
const SEED = Number(values['seed-delivered']);
const SEED_PRODUCTION = Number(values['seed-production']);
const here = fileURLToPath(new URL('../..', import.meta.url));
const checkouts = [here, ...values.checkout.map((dir) => (dir.endsWith('/') ? dir : `${dir}/`))];
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
}

/** Transactions committed in `database` so far (each autocommit statement counts as one). */
async function commitsOf(database: string): Promise<number> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select xact_commit as n from pg_stat_database where datname = $1',
      [database],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function run(root: string, rate: number, mongo: Mongo, index: number) {
  const proxy = values['wire-count'] ? await countingProxy(mongo.url) : undefined;
  const mongoUrl = proxy?.url ?? mongo.url;
  const tag = `${Date.now().toString(36)}_${index}`;
  const dbName = `ff_bench_e2e_${tag}`;
  await adminQuery(`CREATE DATABASE "${dbName}"`);
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${dbName}` }).toString();
  const secrets = benchSecrets();
  const ports = Object.fromEntries(
    await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()] as const)),
  ) as Record<(typeof SERVICE_NAMES)[number], number>;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...secrets,
    SIM_TIME_SCALE: '0',
    DATABASE_URL: databaseUrl,
    MONGODB_URL: mongoUrl,
    CUSTOMERS_URL: localUrl(ports.customers, '/graphql'),
    ORDERS_URL: localUrl(ports.orders, '/graphql'),
    FACTORY_URL: localUrl(ports.factory, '/graphql'),
    ORDERS_WEBHOOK_URL: localUrl(ports.orders, '/webhooks/production'),
    FACTORY_DB_PREFIX: `ff_bench_${tag}_`,
    ORDERS_MONGO_DB: `ff_bench_${tag}_orders`,
    RANDOM_ORDERS_EVERY: 'off',
    APOLLO_TELEMETRY_DISABLED: '1',
  };
  const children = new Map<ServiceName, ChildProcess>();
  const died: string[] = [];
  let stopping = false;
  let statuses: Awaited<ReturnType<typeof listenForStatuses>> | undefined;
  const start = async (name: ServiceName) => {
    const execArgv = values.profile === name ? ['--cpu-prof', `--cpu-prof-dir=${values['profile-dir']}`] : [];
    const child = spawnService(name, { root, env: { ...env, PORT: String(ports[name]) }, execArgv });
    children.set(name, child);
    // An exit counts as early unless the run is stopping, --crash killed it, or it never became ready
    // (a restarted factory refuses to start until the killed one's lease has expired).
    const crash = { killed: false, ready: false };
    child.once('exit', (code, signal) => {
      if (!stopping && !crash.killed && crash.ready) died.push(`${name} (${signal ?? code})`);
    });
    await waitReady(name, ports[name], child);
    crash.ready = true;
    return crash;
  };
  const crashMarks = new Map<ServiceName, { killed: boolean; ready: boolean }>();
  const crashActions = (target: string) =>
    target === 'mongo'
      ? mongo
      : {
          kill: async () => {
            const child = children.get(target as ServiceName)!;
            crashMarks.get(target as ServiceName)!.killed = true;
            const exited = new Promise((resolve) => child.once('exit', resolve));
            child.kill('SIGKILL');
            await exited;
          },
          start: async () => {
            crashMarks.set(target as ServiceName, await start(target as ServiceName));
          },
        };
  try {
    for (const factory of FACTORY_IDS)
      if (SEED_PRODUCTION > 0)
        await seedProductionOrders(mongoUrl, `${env.FACTORY_DB_PREFIX}${factory}`, factory, SEED_PRODUCTION);
    for (const name of SERVICE_NAMES) crashMarks.set(name, await start(name));
    const pids: Record<string, number> = Object.fromEntries(
      SERVICE_NAMES.map((name) => [name, children.get(name)!.pid!]),
    );
    if (mongo.pid) pids.mongo = mongo.pid;
    if (SEED > 0) await seedDeliveredOutbox(databaseUrl, SEED);
    const token = await signToken(secrets.JWT_SECRET, { sub: 'bench', role: 'operator' }, '2h');
    const gateway = localUrl(ports.gateway, '/graphql');
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const created = await fetch(gateway, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query: 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
        variables: { input: { name: 'Bench Customer', email: `bench.${tag}@example.com` } },
      }),
    }).then((response) => response.json() as Promise<{ data: { createCustomer: { id: string } } }>);
    statuses = await listenForStatuses(databaseUrl);
    const body = JSON.stringify({
      query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
      variables: {
        input: {
          customerId: created.data.createCustomer.id,
          lines: [
            { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
            { product: 'GADGET', quantity: 1 },
          ],
        },
      },
    });
    const loadBefore = loadAverage();
    let cpuAtWindow: Record<string, number> = {};
    let windowStart = 0;
    let commitsAtWindow: Promise<number> = Promise.resolve(0);
    let backendsAtWindow: Promise<Map<number, number>> = Promise.resolve(new Map());
    let wireAtWindow = proxy?.snapshot();
    const windowTimer = setTimeout(() => {
      cpuAtWindow = cpuMsOf(pids);
      wireAtWindow = proxy?.snapshot();
      commitsAtWindow = commitsOf(dbName);
      backendsAtWindow = backendCpuMs(adminUrl, dbName);
      windowStart = performance.timeOrigin + performance.now();
    }, WARMUP * 1000);
    const crashRun = scheduleCrashes(crashes, crashActions);
    const placements = await runOpenLoop({ url: gateway, headers, body, rate, seconds: WARMUP + SECONDS });
    clearTimeout(windowTimer);
    // A process killed by --crash is gone: its CPU shows as NaN.
    const cpuAtEnd: Record<string, number> = cpuMsOf(pids);
    const wireAtEnd = proxy?.snapshot();
    cpuAtEnd.postgres = backendCpuBetween(await backendsAtWindow, await backendCpuMs(adminUrl, dbName));
    const crashed = crashes.length ? await crashRun.done : [];
    const commits = (await commitsOf(dbName)) - (await commitsAtWindow);
    const loadAfter = loadAverage();
    const windowEnd = windowStart + SECONDS * 1000;
    const placed = placements.answers.filter((answer) => !answer.error);
    const numbers = placed.map(
      (answer) => (answer.data as { placeOrder: { number: string } }).placeOrder.number,
    );
    await statuses.untilComplete(numbers, DRAIN * 1000);
    const measured = placed.filter((answer) => answer.sentAt >= windowStart && answer.sentAt < windowEnd);
    const latency = measured.map((answer) => {
      const number = (answer.data as { placeOrder: { number: string } }).placeOrder.number;
      return (statuses!.completeAt.get(number) ?? Infinity) - answer.sentAt;
    });
    const completedInWindow = [...statuses.completeAt.values()].filter(
      (at) => at >= windowStart && at < windowEnd,
    ).length;
    const verification = await verifyOrders(databaseUrl, numbers);
    // Over the window, per order completed in it (as the CPU columns).
    const wire = wireAtWindow && wireAtEnd ? perJob(wireAtWindow, wireAtEnd, completedInWindow) : undefined;
    if (wire) console.error(`${root} at ${rate} /s, wire commands per order: ${wire.byCollection}`);
    const cpuPerOrder = Object.fromEntries(
      Object.entries(cpuAtEnd).map(([name, ms]) => [
        name,
        +((ms - (cpuAtWindow[name] ?? 0)) / Math.max(1, completedInWindow)).toFixed(1),
      ]),
    );
    return {
      checkout: root === here ? 'this' : root,
      'offered /s': rate,
      'completed /s': +(completedInWindow / SECONDS).toFixed(1),
      'place→COMPLETE p50 ms': Math.round(percentile(latency, 0.5)),
      'place→COMPLETE p99 ms': Math.round(percentile(latency, 0.99)),
      'placeOrder p50 ms': Math.round(
        percentile(
          measured.map((answer) => answer.ms),
          0.5,
        ),
      ),
      'placeOrder p99 ms': Math.round(
        percentile(
          measured.map((answer) => answer.ms),
          0.99,
        ),
      ),
      'failed placements': placements.answers.length - placed.length,
      'late sends': placements.late,
      'not COMPLETE': verification.notComplete,
      'wrong history': verification.wrongHistory,
      'outbox not once': verification.outboxNotOnce,
      'PG commits/order': +(commits / Math.max(1, completedInWindow)).toFixed(1),
      ...(wire ? { 'wire cmds/order': wire.commands } : {}),
      'CPU ms/order': Object.entries(cpuPerOrder)
        .map(([name, ms]) => `${name[0]}${ms}`)
        .join(' '),
      // The generator's whole run (warm-up too) per placement it sent: what it takes from the services' cores.
      'load gen CPU ms/placement': +(placements.cpuMs / Math.max(1, placements.answers.length)).toFixed(2),
      load: `${loadBefore}→${loadAfter}`,
      ...(died.length ? { 'exited early': died.join(' ') } : {}),
      ...(crashed.length ? { crashes: crashed.join('; ') } : {}),
      ...(placements.firstError ? { 'first error': placements.firstError.slice(0, 80) } : {}),
    };
  } finally {
    stopping = true;
    await statuses?.close();
    await stopServices([...children.values()]);
    await proxy?.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
  }
}

type Mongo = {
  url: string;
  /** The FerretDB this run started (for its CPU time); none on MONGODB_URL. */
  pid?: number | undefined;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};
const killsMongo = crashes.some((crash) => crash.target === 'mongo');
if (killsMongo && process.env.MONGODB_URL)
  throw new Error('--crash=mongo needs the FerretDB this run starts: unset MONGODB_URL');
const noop = async () => {};
const binaries = new Map(
  checkouts.map((root) => [root, process.env.MONGODB_URL ? '' : ferretDbBinaryOf(root)]),
);
const results = [];
let index = 0;
for (const rate of rates)
  for (const root of checkouts) {
    const mongo: Mongo = process.env.MONGODB_URL
      ? { url: process.env.MONGODB_URL, kill: noop, start: noop, stop: noop }
      : await restartableFerretDb('bench-e2e', binaries.get(root));
    try {
      results.push(await run(root, rate, mongo, index++));
    } finally {
      await mongo.stop();
    }
  }
console.table(results);
console.log(
  `${SECONDS} s measured after ${WARMUP} s warm-up, 2-line orders (widgets + gadgets), SIM_TIME_SCALE=0` +
    (SEED ? `, ${SEED} delivered outbox rows seeded` : '') +
    (SEED_PRODUCTION ? `, ${SEED_PRODUCTION} completed production orders seeded in each factory` : '') +
    '; CPU ms/order: c customers, f factory, o orders, g gateway, m FerretDB (when started here),' +
    " p PostgreSQL backends of the run's database (this machine's server)",
);

// Issue 15's goals 1 and 5 (and 3 when rows or production orders were seeded), from this checkout's rows.
const ours = results.filter((row) => row.checkout === 'this');
const kept = ours.filter((row) => row['completed /s'] >= 0.97 * row['offered /s']);
const broken = ours.reduce(
  (sum, row) => sum + row['not COMPLETE'] + row['wrong history'] + row['outbox not once'],
  0,
);
const best = Math.max(0, ...ours.map((row) => row['completed /s']));
printGoals('issue 15, 1, 3 and 5', {
  [`placement → COMPLETE sustained for ${SECONDS} s`]: goalRow(
    `${best} /s at best; ` +
      (kept.length
        ? `kept up (≥ 97%) to ${Math.max(...kept.map((row) => row['offered /s']))} /s offered`
        : 'kept up (≥ 97%) at none of the rates offered'),
    '≥ 300 /s for 60 s',
    SECONDS >= 60 && kept.some((row) => row['offered /s'] >= 300),
  ),
  ...Object.fromEntries(
    ours.map((row) => [
      `place → COMPLETE p50 / p99 at ${row['offered /s']} /s`,
      goalRow(
        `${row['place→COMPLETE p50 ms']} / ${row['place→COMPLETE p99 ms']} ms`,
        'reported; every order completes',
        Number.isFinite(row['place→COMPLETE p99 ms']),
      ),
    ]),
  ),
  [`orders not COMPLETE, wrong history, outbox not once${crashes.length ? ' (with the crashes)' : ''}${SEED ? ` (${SEED} delivered rows seeded)` : ''}${SEED_PRODUCTION ? ` (${SEED_PRODUCTION} production orders a factory seeded)` : ''}`]:
    goalRow(broken, '0', broken === 0),
});
