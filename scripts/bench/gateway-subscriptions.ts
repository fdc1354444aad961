/**
 * Subscriptions through the gateway (issue 16, goal 3), every service in its own process:
 *  1. Latency: 1,000 graphql-ws subscribers (in two client processes, 10 users) to every order's
 *     updates; orders placed through the gateway; commit (the status's history time, written in the
 *     committing transaction) → client, p50/p99; every event delivered, in order. Beside it, one
 *     subscriber straight at orders, and each gateway client's arrival minus that one's for the same
 *     event (the gateway's share). Per event: resolutions and customers fetches (the gateway's
 *     /metrics), and CPU of the gateway, orders and the client processes (the load generator must not
 *     be what is measured).
 *  2. Idle: 20,000 subscribers (four client processes, 200 users) held open; accepted and refused, and
 *     resident memory of the gateways and orders against their baseline. Two gateway processes share
 *     them (as behind a balancer): a process may hold 20,000 descriptors here (ulimit -n), and 20,000
 *     sockets plus its own files do not fit in one.
 * Trees side by side: `--checkout=DIR` (repeatable) runs that checkout's gateway and orders in turn
 * with this one's (customers and factory stay this tree's, shared), alternating for `--rounds`.
 * `--workers=1,2` runs each tree's measured gateway with each of those GATEWAY_WORKERS in turn (rows
 * `w1`, `w2`; a checkout whose gateway has no GATEWAY_WORKERS runs once, as one process); a gateway's
 * CPU is its primary's and its workers'.
 * `--hive` adds Hive Gateway (scripts/bench/gateway/hive-gateway.ts) to the latency phase, on this
 * tree's orders. `--profile=gateway,orders` runs those under `node --cpu-prof` in the latency phase
 * (profiles in /tmp/ff-bench-profiles/<tree>-<service>; summarise with scripts/bench/lib/profile-top.ts).
 * Bounded in time: each phase gives up after its deadline and the script stops everything.
 *   node scripts/bench/gateway-subscriptions.ts [--subscribers=1000] [--orders=15] [--warm-up=3] [--idle=20000]
 *     [--checkout=DIR ...] [--rounds=1] [--workers=1,2] [--hive] [--profile=gateway,orders] [--phases=latency,idle]
 *     [--query='subscription { orderUpdated { number status history { status at } } }'] [--timeline=FILE]
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signToken } from '#kit/auth.ts';
import { signGatewayIdentity } from '#kit/service-token.ts';
import { freePort } from '#kit/ferretdb.ts';
import { rssMiB, spawnService, startStack, type Service } from './gateway/services.ts';
import { pct, post } from './gateway/load.ts';
import { goalRow, printGoals, type GoalRow } from './lib/goals.ts';
import {
  cpuMs,
  startSubscribers,
  treeCpuMs,
  type Report,
  type Subscribers,
} from './gateway/subscriber-processes.ts';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '1000' },
    orders: { type: 'string', default: '15' },
    // The latency phase's subscribers are spread over this many processes.
    'client-processes': { type: 'string', default: '2' },
    // Orders placed after the subscribers are in, whose events are not measured.
    'warm-up': { type: 'string', default: '3' },
    idle: { type: 'string', default: '20000' },
    checkout: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '1' },
    workers: { type: 'string', default: '1' },
    hive: { type: 'boolean', default: false },
    profile: { type: 'string', default: '' },
    phases: { type: 'string', default: 'latency,idle' },
    // Writes each event of the latency phase, in commit order, to this file (one per row and tree).
    timeline: { type: 'string', default: '' },
    // The latency phase's subscription (it must select number, status and history { status at }).
    query: {
      type: 'string',
      default: 'subscription { orderUpdated { number status history { status at } customer { name } } }',
    },
  },
});
const SUBSCRIBERS = Number(values.subscribers);
const ORDERS = Number(values.orders);
const WARM_ORDERS = Number(values['warm-up']);
const CLIENT_PROCESSES = Number(values['client-processes']);
const IDLE = Number(values.idle);
const ROUNDS = Number(values.rounds);
const PROFILE = values.profile.split(',').filter(Boolean);
const PHASES = values.phases.split(',');
const PROFILE_DIR = '/tmp/ff-bench-profiles';
const METRICS_TOKEN = 'bench-metrics-token';
const here = fileURLToPath(new URL('../../', import.meta.url));
type Tree = { label: string; root: string; hive?: boolean; workers?: number };
const trees: Tree[] = [
  { label: 'this', root: here },
  ...values.checkout.map((dir) => ({ label: basename(dir), root: dir.endsWith('/') ? dir : `${dir}/` })),
];
const WORKERS = values.workers.split(',').map(Number);
const hasWorkers = (tree: Tree) =>
  readFileSync(`${tree.root}gateway/src/config.ts`, 'utf8').includes('GATEWAY_WORKERS');
/** Each tree with each worker count it can run (a tree without GATEWAY_WORKERS: once, as one process). */
const withWorkers = (tree: Tree): Tree[] =>
  WORKERS.length > 1 && hasWorkers(tree)
    ? WORKERS.map((workers) => ({ ...tree, label: `${tree.label} w${workers}`, workers }))
    : [{ ...tree, workers: hasWorkers(tree) ? WORKERS[0] : 1 }];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const avg = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const WATCH = values.query;
const withDeadline = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what} did not finish within ${ms / 1000} s`);
    }),
  ]);

/** Counters of the gateway's /metrics summed over labels: events resolved, customers fetches. */
async function gatewayCounts(service: Service) {
  const response = await fetch(service.url.replace(/\/graphql$/, '/metrics'), {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  }).catch(() => undefined);
  const text = response?.ok ? await response.text() : '';
  const sum = (pattern: RegExp) =>
    text
      .split('\n')
      .filter((line) => pattern.test(line))
      .reduce((total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  return {
    resolutions: sum(/^graphql_gateway_subscription_events_total\b/),
    customerFetches: sum(/^graphql_gateway_subgraph_execute_duration_count\{[^}]*subgraphName="customers"/),
  };
}

const stack = await startStack('gwsubs');
const { secrets } = stack;
const running: Service[] = [];
const clients: Subscribers[] = [];
const ordersPort = Number(new URL(stack.urls.orders).port);
// customers and factory stay up for every tree; orders is started from each tree in turn on its port.
await stack.services.find((service) => service.name === 'orders')!.stop();
stack.services.splice(
  stack.services.findIndex((service) => service.name === 'orders'),
  1,
);
const profileArgs = (tree: Tree, name: string, on: boolean) =>
  on && PROFILE.includes(name)
    ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}/${tree.label.replace(/ /g, '-')}-${name}`]
    : [];
const start = async (service: Promise<Service>) => {
  const started = await service;
  running.push(started);
  return started;
};
const stop = async (service: Service) => {
  running.splice(running.indexOf(service), 1);
  await service.stop();
};
const startOrders = (tree: Tree, profile = false) =>
  start(
    spawnService(
      'orders',
      'subgraphs/orders/src/index.ts',
      { ...stack.env, PORT: String(ordersPort) },
      { root: tree.root, args: profileArgs(tree, 'orders', profile) },
    ),
  );
const startGateway = async (tree: Tree, profile = false) =>
  start(
    spawnService(
      'gateway',
      'gateway/src/index.ts',
      {
        ...stack.env,
        PORT: String(await freePort()),
        WS_MAX_CONNECTIONS_PER_IDENTITY: '1000',
        METRICS_TOKEN,
        GATEWAY_WORKERS: String(tree.workers ?? 1),
      },
      { root: tree.root, args: profileArgs(tree, 'gateway', profile) },
    ),
  );
const startHive = async () =>
  start(
    spawnService(
      'hive',
      'scripts/bench/gateway/hive-gateway.ts',
      { ...stack.env, PORT: String(await freePort()), LOG_LEVEL: 'error' },
      { readyPath: '/readiness' },
    ),
  );
const tokensFor = (users: number) =>
  Promise.all(
    Array.from({ length: users }, (_, i) =>
      signToken(secrets.JWT_SECRET, { sub: `subscriber-${i}`, role: 'viewer' }),
    ),
  );
const admin = await signToken(secrets.JWT_SECRET, { sub: 'bench', role: 'admin' });
let customerId: string | undefined;
const placer = (gatewayUrl: string) => {
  const call = (query: string, variables: Record<string, unknown>) =>
    post({
      url: gatewayUrl,
      headers: async () => ({ authorization: `Bearer ${admin}` }),
      body: JSON.stringify({ query, variables }),
    });
  return async () => {
    customerId ??= (
      (await call('mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }', {
        input: { name: 'Bench Subscriber', email: 'bench.subs@example.com' },
      })) as { data: { createCustomer: { id: string } } }
    ).data.createCustomer.id;
    const placed = (await call(
      'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
      {
        input: {
          customerId,
          lines: [
            { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
            { product: 'GADGET', quantity: 1 },
          ],
        },
      },
    )) as { data: { placeOrder: { number: string } } };
    return placed.data.placeOrder.number;
  };
};
/** Waits until these orders are COMPLETE, so none of their events reaches the measured subscribers. */
const settled = async (gatewayUrl: string, numbers: string[]) => {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
    const statuses = await Promise.all(
      numbers.map(async (number) => {
        const answer = (await post({
          url: gatewayUrl,
          headers: async () => ({ authorization: `Bearer ${admin}` }),
          body: JSON.stringify({
            query: 'query ($n: String!) { order(number: $n) { status } }',
            variables: { n: number },
          }),
        })) as { data?: { order?: { status: string } | null } };
        return answer.data?.order?.status;
      }),
    );
    if (statuses.every((status) => status === 'COMPLETE')) return;
  }
};

/** `total` subscribers spread over `parts` processes, the first ones taking the remainder. */
const shares = (total: number, parts: number) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

/** The processes' reports once each of their clients has `events` events (or after 30 s, as they are). */
async function everyClientHas(processes: Subscribers[], events: number): Promise<Report[]> {
  let reports: Report[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await sleep(250)) {
    reports = await Promise.all(processes.map((c) => c.report()));
    if (reports.every((r) => r.perClient.every((n) => n >= events))) break;
  }
  return reports;
}

type LatencyRow = Record<string, string | number>;
const latencyRows: Record<string, LatencyRow> = {};
const latencyGoals: Record<string, GoalRow> = {};

/** Phase 1 for one tree (or Hive Gateway, on this tree's orders). */
async function latencyPhase(tree: Tree, round: number) {
  const profile = PROFILE.length > 0 && round === 0;
  const orders = await startOrders(tree.hive ? trees[0]! : tree, profile);
  const gateway = tree.hive ? await startHive() : await startGateway(tree, profile);
  // Orders are placed through a gateway of their own (this tree's), so the measured one serves only
  // the subscriptions and its CPU per event is theirs alone.
  const placing = await startGateway({ ...trees[0]!, workers: 1 });
  try {
    const place = placer(placing.url);
    const warmUp = [await place(), await place(), await place()]; // planner, connections
    await settled(placing.url, warmUp);
    const tokens = await tokensFor(10);
    const latency = shares(SUBSCRIBERS, CLIENT_PROCESSES).map((count) =>
      startSubscribers(gateway.url, count, tokens, WATCH),
    );
    // One subscriber straight at orders (its share: commit → NOTIFY → socket), without the customer.
    const direct = startSubscribers(
      stack.urls.orders,
      1,
      [await signGatewayIdentity(secrets.SERVICE_TOKEN_SECRET, { sub: 'bench', role: 'viewer' }, 'orders')],
      'subscription { orderUpdated { number status history { status at } } }',
      'identity',
    );
    clients.push(...latency, direct);
    await direct.connected;
    const connected = await withDeadline(Promise.all(latency.map((c) => c.connected)), 60_000, 'connecting');
    const expectedClients = connected.reduce((sum, c) => sum + c.accepted, 0);
    await sleep(1500); // upstream subscriptions registered at orders
    // Warm-up, excluded: the first events through new sockets take the cold paths (JIT, buffers).
    const warmEvents = WARM_ORDERS * 3;
    for (let i = 0; i < WARM_ORDERS; i++) await place();
    await everyClientHas([...latency, direct], warmEvents);
    await Promise.all([...latency, direct].map((c) => c.forget()));
    const before = {
      counts: await gatewayCounts(gateway),
      gateway: await treeCpuMs(gateway.child.pid),
      orders: await cpuMs(orders.child.pid),
      clients: (await Promise.all(latency.map((c) => c.report()))).reduce((sum, r) => sum + r.cpuMs, 0),
    };
    const started = Date.now();
    for (let i = 0; i < ORDERS; i++) {
      await place();
      await sleep(150);
    }
    const expectedPerClient = ORDERS * 3; // VERIFIED, SCHEDULED, COMPLETE
    const reports = await everyClientHas(latency, expectedPerClient);
    const seconds = (Date.now() - started) / 1000;
    const after = {
      counts: await gatewayCounts(gateway),
      gateway: await treeCpuMs(gateway.child.pid),
      orders: await cpuMs(orders.child.pid),
      clients: reports.reduce((sum, r) => sum + r.cpuMs, 0),
    };
    const directReport = await direct.report();
    const all = reports.flatMap((r) => r.latencies);
    const added = reports.flatMap((r) =>
      Object.entries(r.arrivals).flatMap(([key, times]) => {
        const first = directReport.arrivals[key]?.[0];
        return first === undefined ? [] : times.map((time) => time - first);
      }),
    );
    // Per event: its first gateway client over the direct one (the hop and the quickest group's
    // resolution), and its first to its last client (the other groups' resolutions and the fan-out).
    const perEvent = new Map<string, number[]>();
    for (const r of reports)
      for (const [key, times] of Object.entries(r.arrivals))
        perEvent.set(key, [...(perEvent.get(key) ?? []), ...times]);
    const firsts: number[] = [];
    const spreads: number[] = [];
    for (const [key, times] of perEvent) {
      const direct = directReport.arrivals[key]?.[0];
      const first = Math.min(...times);
      if (direct !== undefined) firsts.push(first - direct);
      spreads.push(Math.max(...times) - first);
    }
    if (values.timeline) writeTimeline(`${tree.label} #${round + 1}`, perEvent, directReport, reports);
    const short = reports.flatMap((r) => r.perClient).filter((n) => n < expectedPerClient).length;
    const misordered = reports.reduce((sum, r) => sum + r.misordered, 0);
    const events = ORDERS * 3;
    const label = `${tree.label}${ROUNDS > 1 ? ` #${round + 1}` : ''}`;
    latencyRows[label] = {
      clients: expectedClients,
      'direct p50/p99': `${pct(directReport.latencies, 50)} / ${pct(directReport.latencies, 99)}`,
      'p50 ms': pct(all, 50),
      'p99 ms': pct(all, 99),
      'max ms': pct(all, 100),
      'over direct p50/p99': `${pct(added, 50)} / ${pct(added, 99)}`,
      'first over direct p50/max': `${pct(firsts, 50)} / ${pct(firsts, 100)}`,
      'first→last p50/max': `${pct(spreads, 50)} / ${pct(spreads, 100)}`,
      lost: expectedPerClient * SUBSCRIBERS - reports.reduce((sum, r) => sum + r.received, 0),
      short,
      misordered,
      'resolutions/event': tree.hive
        ? '-'
        : +((after.counts.resolutions - before.counts.resolutions) / events).toFixed(1),
      'customer fetches/event': tree.hive
        ? '-'
        : +((after.counts.customerFetches - before.counts.customerFetches) / events).toFixed(1),
      'gateway CPU ms/event': +((after.gateway - before.gateway) / events).toFixed(1),
      'gateway CPU %': Math.round((after.gateway - before.gateway) / seconds / 10),
      'orders CPU %': Math.round((after.orders - before.orders) / seconds / 10),
      'clients CPU %': Math.round((after.clients - before.clients) / seconds / 10),
      load: avg(),
    };
    latencyGoals[`${label}: commit → client p99, ${SUBSCRIBERS} subscribers, nothing lost, in order`] =
      goalRow(
        `p99 ${pct(all, 99)} ms; ${expectedClients} accepted, ${short} short, ${misordered} misordered`,
        '< 50 ms, all accepted, none short or misordered',
        pct(all, 99) < 50 && short === 0 && misordered === 0 && expectedClients === SUBSCRIBERS,
      );
    await Promise.all([...latency, direct].map((c) => c.stop()));
    clients.length = 0;
  } finally {
    await stop(placing);
    await stop(gateway);
    await stop(orders);
  }
}

/**
 * Each event in commit order: ms after the first commit, since the previous commit, then its commit to
 * the direct subscriber, to its first, median and last gateway client (which events make the tail), and
 * its commit time (ms since the epoch).
 */
function writeTimeline(label: string, perEvent: Map<string, number[]>, direct: Report, reports: Report[]) {
  const committed = Object.assign({}, direct.committed, ...reports.map((r) => r.committed)) as Record<
    string,
    number
  >;
  const events = [...perEvent].filter(([key]) => committed[key] !== undefined);
  events.sort(([a], [b]) => committed[a]! - committed[b]!);
  const origin = committed[events[0]?.[0] ?? '']!;
  let previous = origin;
  const lines = events.map(([key, times]) => {
    const at = committed[key]!;
    const since = (time: number | undefined) => (time === undefined ? '' : String(time - at));
    const row = [label, key, at - origin, at - previous, since(direct.arrivals[key]?.[0])];
    previous = at;
    return [...row, since(Math.min(...times)), since(pct(times, 50)), since(Math.max(...times)), at].join(
      '\t',
    );
  });
  appendFileSync(
    values.timeline,
    `${['tree', 'event', 'at', 'gap', 'direct', 'first', 'p50', 'last', 'commit'].join('\t')}\n${lines.join('\n')}\n`,
  );
}

const idleRows: Record<string, Record<string, string | number>> = {};
const idleGoals: Record<string, GoalRow> = {};

/** Phase 2 for one tree: IDLE subscribers over two gateway processes. */
async function idlePhase(tree: Tree, round: number) {
  const orders = await startOrders(tree);
  const gateways = [await startGateway(tree), await startGateway(tree)];
  try {
    await placer(gateways[0]!.url)(); // the planner and the customers connection warm, as in use
    await sleep(2000);
    const watched = [...gateways, orders];
    const memory = async () => {
      const each = await Promise.all(watched.map((service) => rssMiB(service.child.pid)));
      return { each, total: each.reduce((a, b) => a + b, 0) };
    };
    const baseline = await memory();
    const idleTokens = await tokensFor(200);
    const processes = 4;
    const idle = shares(IDLE, processes).map((count, i) =>
      startSubscribers(
        gateways[i % 2]!.url,
        count,
        idleTokens,
        'subscription { orderUpdated { number status } }',
      ),
    );
    clients.push(...idle);
    const connected = await withDeadline(
      Promise.all(idle.map((c) => c.connected)),
      180_000,
      'idle subscribers',
    );
    await sleep(3000);
    const held = await memory();
    const accepted = connected.reduce((sum, c) => sum + c.accepted, 0);
    const refused = connected.reduce((sum, c) => sum + c.refused, 0);
    const label = `${tree.label}${ROUNDS > 1 ? ` #${round + 1}` : ''}`;
    idleRows[label] = {
      accepted,
      refused,
      'baseline MiB (gw1/gw2/orders)': baseline.each.map((v) => Math.round(v)).join(' / '),
      'held MiB (gw1/gw2/orders)': held.each.map((v) => Math.round(v)).join(' / '),
      'total MiB': Math.round(held.total),
      'KB/subscriber': +(((held.total - baseline.total) * 1024) / Math.max(accepted, 1)).toFixed(1),
      load: avg(),
    };
    idleGoals[`${label}: ${IDLE} idle subscribers (gateways + orders)`] = goalRow(
      `${accepted} accepted, ${Math.round(held.total)} MiB`,
      'all accepted, ≤ 1,024 MiB',
      accepted === IDLE && held.total <= 1024,
    );
    await Promise.all(idle.map((c) => c.stop()));
    clients.length = 0;
  } finally {
    for (const service of [...gateways, orders]) await stop(service);
  }
}

try {
  const latencyTrees = [
    ...trees.flatMap(withWorkers),
    ...(values.hive ? [{ label: 'hive', root: here, hive: true }] : []),
  ];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which tree goes first, so neither always meets the machine in the same state.
    const order = round % 2 ? [...latencyTrees].reverse() : latencyTrees;
    if (PHASES.includes('latency')) for (const tree of order) await latencyPhase(tree, round);
    if (PHASES.includes('idle'))
      for (const tree of round % 2 ? [...trees].reverse() : trees) await idlePhase(tree, round);
  }
  if (PHASES.includes('latency')) {
    console.log(
      `\nSubscription latency, commit → client (ms): ${SUBSCRIBERS} subscribers, 10 users, ${ORDERS} orders (3 events each):`,
    );
    console.table(latencyRows);
  }
  if (PHASES.includes('idle')) {
    console.log(`\n${IDLE} idle subscribers over two gateway processes:`);
    console.table(idleRows);
  }
  printGoals('issue 16, 3', { ...latencyGoals, ...idleGoals });
} finally {
  await Promise.all(clients.map((c) => c.stop()));
  for (const service of [...running].reverse()) await service.stop();
  await stack.stop();
}
