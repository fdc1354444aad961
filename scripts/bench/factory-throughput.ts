/**
 * One factory's capacity at SIM_TIME_SCALE=0 (or --scale), in two figures:
 * 1. production: requests of 1–5 widget lines (3 on average) sent over HTTP as the order service
 *    sends them, at a fixed arrival rate by an open-loop generator in its own process, to a factory
 *    started as `npm start` starts it (`FACTORIES=widgets`, its own process); completion webhooks go
 *    to a receiver here that checks the signature and answers 200 as the order service does. It
 *    prints production jobs completed per second inside the measured window (warm-up excluded),
 *    receipt and request→webhook percentiles, and checks every production order got exactly one
 *    completion and capacity was never exceeded (no more completions' [startedAt, completedAt)
 *    overlapping than the factory has lines; at scale 0 those intervals are empty, so only --scale
 *    above 0 makes that check bite);
 * 2. entities: the `_entities` fetch for the production orders of a page (7 representations), as
 *    the gateway sends it, by autocannon at 20 connections (closed-loop), with --seed production
 *    orders already stored.
 *   node scripts/bench/factory-throughput.ts [--rates=300,1000] [--seconds=20] [--warmup=5]
 *     [--drain=60] [--lines=2] [--scale=0] [--seed=100000] [--entities-seconds=10]
 *     [--only=production|entities] [--checkout=DIR ...] [--profile=DIR]
 * --checkout (repeatable) measures other trees' factories too, alternating, each run on a FerretDB
 * of its own, the checkout's own build (unless MONGODB_URL).
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { freePort, throwawayMongo } from '#kit/ferretdb.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';
import { verifyWebhookSignature } from '#kit/webhook-signature.ts';
import { ferretDbBinaryOf } from './lib/checkout-ferretdb.ts';
import { runOpenLoop } from './lib/open-loop-run.ts';
import { cpuMsOf, loadAverage, percentile } from './lib/measure.ts';
import { MEAN_LINES } from './lib/production-requests.ts';
import { seedProductionOrders } from './lib/production-seed.ts';
import { countingProxy, perJob, type WireCounts } from './lib/wire-count.ts';
import { benchSecrets } from './secrets.ts';
import { localUrl, spawnService, stopServices, waitReady } from '../lib/services.ts';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '300,1000' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    drain: { type: 'string', default: '60' },
    lines: { type: 'string', default: '2' },
    scale: { type: 'string', default: '0' },
    seed: { type: 'string', default: '100000' },
    'entities-seconds': { type: 'string', default: '10' },
    only: { type: 'string' },
    /** Runs the factory under `node --cpu-prof`, profiles in this directory. */
    profile: { type: 'string' },
    checkout: { type: 'string', multiple: true, default: [] },
  },
});
const SECONDS = Number(values.seconds);
const WARMUP = Number(values.warmup);
const LINES = Number(values.lines);
const here = fileURLToPath(new URL('../..', import.meta.url));
const checkouts = [here, ...values.checkout.map((dir) => (dir.endsWith('/') ? dir : `${dir}/`))];
const bodies = fileURLToPath(new URL('./lib/production-requests.ts', import.meta.url));
const treeOf = (root: string) => (root === here ? 'this' : root);

interface Received {
  count: number;
  at: number;
  startedAt: number;
  completedAt: number;
}

/** The order service's webhook route, reduced to what a factory sees: signature checked, 200 with an outcome. */
async function startReceiver(secret: string) {
  const completions = new Map<string, Received>();
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifyWebhookSignature([secret], req.headers, body).ok) {
        refused++;
        return res.writeHead(401).end();
      }
      const at = performance.timeOrigin + performance.now();
      const parsed = JSON.parse(body) as {
        completions: { productionOrderId: string; startedAt: string; completedAt: string }[];
      };
      for (const completion of parsed.completions) {
        const seen = completions.get(completion.productionOrderId);
        if (seen) seen.count++;
        else
          completions.set(completion.productionOrderId, {
            count: 1,
            at,
            startedAt: Date.parse(completion.startedAt),
            completedAt: Date.parse(completion.completedAt),
          });
      }
      const recorded = parsed.completions.length;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ outcome: 'recorded', recorded, repeated: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/production`,
    completions,
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The most completions whose [startedAt, completedAt) overlap at one instant. */
function mostAtOnce(received: Iterable<Received>): number {
  const events: [number, number][] = [];
  for (const { startedAt, completedAt } of received) {
    if (completedAt > startedAt) events.push([startedAt, 1], [completedAt, -1]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // an end before a start at the same instant
  let now = 0;
  let most = 0;
  for (const [, step] of events) most = Math.max(most, (now += step));
  return most;
}

/** CPU ms of FerretDB so far, when this benchmark started it (NaN with MONGODB_URL). */
type Mongo = Awaited<ReturnType<typeof throwawayMongo>>;
const ferretCpuMs = (mongo: Mongo) => (mongo.pid ? cpuMsOf({ ferretdb: mongo.pid }).ferretdb! : NaN);

async function production(root: string, mongo: Mongo, jobsPerSecond: number, index: number) {
  const mongoUrl = mongo.url;
  const prefix = `ff_bench_fac_${Date.now().toString(36)}_${index}_`;
  const secrets = benchSecrets();
  const receiver = await startReceiver(secrets.WEBHOOK_SECRET_WIDGETS);
  // Between the factory and FerretDB: counts its commands and document writes.
  const proxy = await countingProxy(mongoUrl);
  // The factory signs with the secret the receiver checks.
  const factory = await startFactoryWith(root, proxy.url, prefix, receiver.url, secrets);
  try {
    const loadBefore = loadAverage();
    let cpuAtWindow = 0;
    let ferretCpuAtWindow = 0;
    let wireAtWindow: WireCounts = proxy.snapshot();
    const windowTimer = setTimeout(() => {
      cpuAtWindow = cpuMsOf({ factory: factory.child.pid! }).factory!;
      ferretCpuAtWindow = ferretCpuMs(mongo);
      wireAtWindow = proxy.snapshot();
    }, WARMUP * 1000);
    const authorization = `Basic ${Buffer.from(secrets.FACTORY_BOOTSTRAP_CLIENT).toString('base64')}`;
    // Logged in once before the load, as the order service is: a burst of first logins is rate limited.
    await fetch(factory.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query: '{ __typename }' }),
    }).then((response) => response.arrayBuffer());
    const started = performance.timeOrigin + performance.now();
    const sent = await runOpenLoop({
      url: factory.url,
      headers: { 'content-type': 'application/json', authorization },
      body: '',
      bodies,
      rate: jobsPerSecond / MEAN_LINES,
      seconds: WARMUP + SECONDS,
    });
    clearTimeout(windowTimer);
    const cpuAtEnd = cpuMsOf({ factory: factory.child.pid! }).factory!;
    const ferretCpuAtEnd = ferretCpuMs(mongo);
    const wireAtEnd = proxy.snapshot();
    const windowStart = started + WARMUP * 1000;
    const windowEnd = windowStart + SECONDS * 1000;
    const receipts = sent.answers.flatMap((answer) => {
      const orders = (answer.data as { submitProductionRequest?: { productionOrders: { id: string }[] } })
        ?.submitProductionRequest?.productionOrders;
      return orders && !answer.error ? [{ answer, ids: orders.map((order) => order.id) }] : [];
    });
    const ids = receipts.flatMap((receipt) => receipt.ids);
    const drainUntil = Date.now() + Number(values.drain) * 1000;
    while (Date.now() < drainUntil && ids.some((id) => !receiver.completions.has(id))) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const loadAfter = loadAverage();
    const measured = receipts.filter(
      ({ answer }) => answer.sentAt >= windowStart && answer.sentAt < windowEnd,
    );
    const toWebhook = measured.flatMap(({ answer, ids: orderIds }) =>
      orderIds.map((id) => (receiver.completions.get(id)?.at ?? Infinity) - answer.sentAt),
    );
    const completedInWindow = [...receiver.completions.values()].filter(
      (received) => received.at >= windowStart && received.at < windowEnd,
    ).length;
    const wanted = new Set(ids);
    // Jobs completed between the two snapshots (the window, up to the end of the load).
    const jobsInLoad = [...receiver.completions.values()].filter(
      (received) => received.at >= windowStart && received.at < started + (WARMUP + SECONDS) * 1000,
    ).length;
    const wire = perJob(wireAtWindow, wireAtEnd, jobsInLoad);
    console.error(`${treeOf(root)} at ${jobsPerSecond}/s, per job: ${wire.detail}`);
    return {
      tree: treeOf(root),
      'offered jobs/s': jobsPerSecond,
      'completed jobs/s': +(completedInWindow / SECONDS).toFixed(1),
      'receipt p50 ms': +percentile(
        measured.map(({ answer }) => answer.ms),
        0.5,
      ).toFixed(1),
      'receipt p99 ms': +percentile(
        measured.map(({ answer }) => answer.ms),
        0.99,
      ).toFixed(1),
      'req→webhook p50 ms': Math.round(percentile(toWebhook, 0.5)),
      'req→webhook p99 ms': Math.round(percentile(toWebhook, 0.99)),
      'failed requests': sent.answers.length - receipts.length,
      'late sends': sent.late,
      'no completion': ids.filter((id) => !receiver.completions.has(id)).length,
      'completed twice': [...receiver.completions.values()].filter((received) => received.count > 1).length,
      'completions not asked for': [...receiver.completions.keys()].filter((id) => !wanted.has(id)).length,
      'most at once': `${mostAtOnce(receiver.completions.values())}/${LINES}`,
      'factory CPU ms/job': +((cpuAtEnd - cpuAtWindow) / Math.max(1, completedInWindow)).toFixed(2),
      'FerretDB CPU ms/job': +((ferretCpuAtEnd - ferretCpuAtWindow) / Math.max(1, completedInWindow)).toFixed(
        2,
      ),
      'wire commands/job': wire.commands,
      'docs written/job': wire.written,
      load: `${loadBefore}→${loadAfter}`,
      ...(factory.child.exitCode !== null ? { 'exited early': String(factory.child.exitCode) } : {}),
      ...(sent.firstError ? { 'first error': sent.firstError.slice(0, 80) } : {}),
    };
  } finally {
    await stopServices([factory.child], values.profile ? 120_000 : 10_000);
    await receiver.close();
    await proxy.close();
    await dropDatabase(mongoUrl, `${prefix}widgets`);
  }
}

async function startFactoryWith(
  root: string,
  mongoUrl: string,
  prefix: string,
  webhookUrl: string,
  secrets: ReturnType<typeof benchSecrets>,
  readyWithinMs = 60_000,
) {
  const port = await freePort();
  const child: ChildProcess = spawnService('factory', {
    root,
    ...(values.profile ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] } : {}),
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      ...secrets,
      PORT: String(port),
      MONGODB_URL: mongoUrl,
      FACTORIES: 'widgets',
      FACTORY_DB_PREFIX: prefix,
      PRODUCTION_LINES: String(LINES),
      SIM_TIME_SCALE: values.scale,
      ORDERS_WEBHOOK_URL: webhookUrl,
    },
  });
  await waitReady('factory', port, child, readyWithinMs);
  return { child, port, url: localUrl(port, '/graphql') };
}

/** FerretDB on SQLite can die when a database is dropped under live queries: only once its factory stopped. */
async function dropDatabase(mongoUrl: string, name: string) {
  const mongo = await new MongoClient(mongoUrl).connect();
  await mongo
    .db(name)
    .dropDatabase()
    .catch(() => {});
  await mongo.close();
}

/** autocannon, stopped early if the factory exits (e.g. it lost its lease while FerretDB was saturated). */
function hammer(child: ChildProcess, options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const onExit = () => instance.stop();
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => {
      child.off('exit', onExit);
      if (error) reject(error as Error);
      else resolve(result);
    });
    child.once('exit', onExit);
  });
}

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on ProductionOrder {
        id
        status
        quantity
        attributes
        productionSeconds
        completedAt
        webhook {
          state
        }
      }
    }
  }
`;

async function entities(root: string, mongo: Mongo, index: number) {
  const mongoUrl = mongo.url;
  const prefix = `ff_bench_ent_${Date.now().toString(36)}_${index}_`;
  const seed = Number(values.seed);
  const seeded = await seedProductionOrders(mongoUrl, `${prefix}widgets`, 'widgets', Math.max(seed, 7));
  const secrets = benchSecrets();
  const receiver = await startReceiver(secrets.WEBHOOK_SECRET_WIDGETS);
  console.error(`entities: ${seeded.length} production orders seeded; starting ${treeOf(root)}'s factory`);
  // An earlier version's start read every stored production order once (FerretDB scans): about 2 minutes a million.
  const readyWithinMs = 60_000 + seeded.length * 0.3;
  const startedAt = performance.now();
  const factory = await startFactoryWith(root, mongoUrl, prefix, receiver.url, secrets, readyWithinMs);
  const startSeconds = +((performance.now() - startedAt) / 1000).toFixed(1);
  console.error(`entities: ${treeOf(root)}'s factory ready after ${startSeconds} s`);
  try {
    // A page's production orders: 7 of the newest (a page shows recent orders).
    const page = seeded
      .slice(-7)
      .map((_id) => ({ __typename: 'ProductionOrder', id: `widgets:${_id.toHexString()}` }));
    const identity = await signGatewayIdentity(
      secrets.SERVICE_TOKEN_SECRET,
      { sub: 'bench', role: 'viewer' },
      'factory',
    );
    const options = {
      url: factory.url,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
      body: JSON.stringify({ query: ENTITIES, variables: { representations: page } }),
      connections: 20,
    };
    const check = await fetch(factory.url, { method: 'POST', headers: options.headers, body: options.body });
    const answer = (await check.json()) as {
      data?: { _entities: ({ id: string } | null)[] };
      errors?: unknown;
    };
    const found = answer.data?._entities.filter(Boolean).length ?? 0;
    if (found !== 7)
      throw new Error(`_entities answered ${found} of 7: ${JSON.stringify(answer).slice(0, 300)}`);
    console.error('entities: answered 7 of 7; measuring');
    await hammer(factory.child, { ...options, duration: 2 }); // warm-up, not counted
    const loadBefore = loadAverage();
    const result = await hammer(factory.child, { ...options, duration: Number(values['entities-seconds']) });
    return {
      tree: treeOf(root),
      'stored production orders': seeded.length,
      'start s': startSeconds,
      'requests/s': Math.round(result.requests.average),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      errors: result.errors + result.non2xx + result.timeouts,
      load: `${loadBefore}→${loadAverage()}`,
      ...(factory.child.exitCode !== null ? { 'exited early': String(factory.child.exitCode) } : {}),
    };
  } finally {
    await stopServices([factory.child], values.profile ? 120_000 : 10_000);
    await receiver.close();
    await dropDatabase(mongoUrl, `${prefix}widgets`);
  }
}

const binaries = new Map(
  checkouts.map((root) => [root, process.env.MONGODB_URL ? '' : ferretDbBinaryOf(root)]),
);
/** Runs `measure` on a FerretDB of its own, the checkout's build (or on MONGODB_URL). */
async function onOwnMongo<T>(root: string, measure: (mongo: Mongo) => Promise<T>): Promise<T> {
  const mongo = await throwawayMongo('bench-factory', binaries.get(root));
  try {
    return await measure(mongo);
  } finally {
    await mongo.stop();
  }
}
const productionResults = [];
const entityResults = [];
let index = 0;
if (values.only !== 'entities') {
  for (const rate of values.rates.split(',').map(Number)) {
    for (const root of checkouts) {
      productionResults.push(await onOwnMongo(root, (mongo) => production(root, mongo, rate, index++)));
      console.error(JSON.stringify(productionResults.at(-1)));
    }
  }
}
if (values.only !== 'production') {
  for (const root of checkouts) {
    entityResults.push(await onOwnMongo(root, (mongo) => entities(root, mongo, index++)));
    console.error(JSON.stringify(entityResults.at(-1)));
  }
}
if (productionResults.length) {
  console.table(productionResults);
  console.log(
    `production: ${SECONDS} s measured after ${WARMUP} s warm-up, requests of 1–5 widget lines (mean ${MEAN_LINES}), ` +
      `${LINES} production lines, SIM_TIME_SCALE=${values.scale}; "most at once" counts overlapping ` +
      '[startedAt, completedAt) of the completions received (empty intervals at scale 0)',
  );
}
if (entityResults.length) {
  console.table(entityResults);
  console.log(
    `entities: _entities for 7 ProductionOrder representations, autocannon 20 connections, ` +
      `${values['entities-seconds']} s after 2 s warm-up`,
  );
}
