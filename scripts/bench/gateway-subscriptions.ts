/**
 * Subscriptions through the gateway (issue 16, goal 3), every service in its own process:
 *  1. Latency: 1,000 graphql-ws subscribers (in two client processes, 10 users) to every order's
 *     updates; orders placed through the gateway; commit (the status's history time, written in the
 *     committing transaction) → client, p50/p99; every event delivered, in order.
 *  2. Idle: 20,000 subscribers (four client processes, 200 users) held open; accepted and refused, and
 *     resident memory of the gateways and orders against their baseline. Two gateway processes share
 *     them (as behind a balancer): a process may hold 20,000 descriptors here (ulimit -n), and 20,000
 *     sockets plus its own files do not fit in one.
 * Bounded in time: each phase gives up after its deadline and the script stops everything.
 *   node scripts/bench/gateway-subscriptions.ts [--subscribers=1000] [--orders=15] [--idle=20000]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { signToken } from '#kit/auth.ts';
import { signGatewayIdentity } from '#kit/service-token.ts';
import { freePort } from '#kit/ferretdb.ts';
import { rssMiB, spawnService, startStack, type Service } from './gateway/services.ts';
import { pct, post } from './gateway/load.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SUBSCRIBERS = arg('subscribers', 1000);
const ORDERS = arg('orders', 15);
const IDLE = arg('idle', 20_000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const avg = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const WATCH = 'subscription { orderUpdated { number status history { status at } customer { name } } }';
const subscriberScript = fileURLToPath(new URL('./gateway/subscribers.ts', import.meta.url));

type Report = { latencies: number[]; received: number; misordered: number; perClient: number[] };
interface Subscribers {
  child: ChildProcess;
  connected: Promise<{ accepted: number; refused: number }>;
  report(): Promise<Report>;
  stop(): Promise<void>;
}

function startSubscribers(
  url: string,
  count: number,
  tokens: string[],
  query: string,
  param: 'authorization' | 'identity' = 'authorization',
): Subscribers {
  const child = fork(subscriberScript, [], {
    env: {
      ...process.env,
      SUBSCRIBE_URL: url.replace(/^http/, 'ws'),
      SUBSCRIBERS: String(count),
      TOKENS: JSON.stringify(tokens),
      QUERY: query,
      CONNECTION_PARAM: param,
    },
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as T);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`subscriber process exited (${code})`)));
    });
  return {
    child,
    connected: next('connected'),
    report: () => {
      const report = next<Report>('report');
      child.send({ type: 'report' });
      return report;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

const withDeadline = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    sleep(ms).then(() => {
      throw new Error(`${what} did not finish within ${ms / 1000} s`);
    }),
  ]);

const stack = await startStack('gwsubs');
const { secrets } = stack;
const gateways: Service[] = [];
const clients: Subscribers[] = [];
const startGateway = async () => {
  const service = await spawnService('gateway', 'gateway/src/index.ts', {
    ...stack.env,
    PORT: String(await freePort()),
    WS_MAX_CONNECTIONS_PER_IDENTITY: '1000',
  });
  gateways.push(service);
  return service;
};
const tokensFor = (users: number) =>
  Promise.all(
    Array.from({ length: users }, (_, i) =>
      signToken(secrets.JWT_SECRET, { sub: `subscriber-${i}`, role: 'viewer' }),
    ),
  );

try {
  const gateway = await startGateway();
  const admin = await signToken(secrets.JWT_SECRET, { sub: 'bench', role: 'admin' });
  const call = (query: string, variables: Record<string, unknown>) =>
    post({
      url: gateway.url,
      headers: async () => ({ authorization: `Bearer ${admin}` }),
      body: JSON.stringify({ query, variables }),
    });
  const created = (await call(
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    {
      input: { name: 'Bench Subscriber', email: 'bench.subs@example.com' },
    },
  )) as { data: { createCustomer: { id: string } } };
  const place = () =>
    call('mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }', {
      input: {
        customerId: created.data.createCustomer.id,
        lines: [
          { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
          { product: 'GADGET', quantity: 1 },
        ],
      },
    });
  for (let i = 0; i < 3; i++) await place(); // warm-up: planner, connections
  await sleep(1000);

  // 1. Latency with SUBSCRIBERS clients.
  const tokens = await tokensFor(10);
  const halves = [Math.ceil(SUBSCRIBERS / 2), Math.floor(SUBSCRIBERS / 2)];
  const latency = halves.map((count) => startSubscribers(gateway.url, count, tokens, WATCH));
  // One subscriber straight at orders (its share: commit → NOTIFY → socket), without the customer.
  const direct = startSubscribers(
    stack.urls.orders,
    1,
    [await signGatewayIdentity(secrets.SERVICE_TOKEN_SECRET, { sub: 'bench', role: 'viewer' }, 'orders')],
    'subscription { orderUpdated { number status history { status at } } }',
    'identity',
  );
  await direct.connected;
  clients.push(...latency, direct);
  const connected = await withDeadline(Promise.all(latency.map((c) => c.connected)), 60_000, 'connecting');
  const expectedClients = connected.reduce((sum, c) => sum + c.accepted, 0);
  await sleep(1500); // upstream subscriptions registered at orders
  const started = Date.now();
  for (let i = 0; i < ORDERS; i++) {
    await place();
    await sleep(150);
  }
  const expectedPerClient = ORDERS * 3; // VERIFIED, SCHEDULED, COMPLETE
  let reports: Report[] = [];
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    reports = await Promise.all(latency.map((c) => c.report()));
    if (reports.every((r) => r.perClient.every((n) => n >= expectedPerClient))) break;
    await sleep(500);
  }
  const all = reports.flatMap((r) => r.latencies);
  const directLatencies = (await direct.report()).latencies;
  const received = reports.reduce((sum, r) => sum + r.received, 0);
  const short = reports.flatMap((r) => r.perClient).filter((n) => n < expectedPerClient).length;
  const misordered = reports.reduce((sum, r) => sum + r.misordered, 0);
  console.log(
    `\nSubscription latency, commit → client: ${expectedClients} of ${SUBSCRIBERS} subscribers, 10 users, ${ORDERS} orders over ${((Date.now() - started) / 1000).toFixed(1)} s (load average ${avg()}):`,
  );
  console.table({
    'orders subgraph directly, 1 client': {
      'p50 ms': pct(directLatencies, 50),
      'p99 ms': pct(directLatencies, 99),
      'max ms': pct(directLatencies, 100),
    },
    'through our gateway': {
      'p50 ms': pct(all, 50),
      'p99 ms': pct(all, 99),
      'max ms': pct(all, 100),
      'events expected': expectedPerClient * SUBSCRIBERS,
      received,
      'clients short of events': short,
      'out of order': misordered,
    },
  });
  const latencyOk = pct(all, 99) < 50 && short === 0 && misordered === 0 && expectedClients === SUBSCRIBERS;
  await Promise.all([...latency, direct].map((c) => c.stop()));
  clients.length = 0;

  // 2. IDLE idle subscribers over two gateway processes.
  const second = await startGateway();
  const orders = stack.services.find((service) => service.name === 'orders')!;
  await sleep(2000);
  const watched = [gateway, second, orders];
  const memory = async () => {
    const each = await Promise.all(watched.map((service) => rssMiB(service.child.pid)));
    return { each, total: each.reduce((a, b) => a + b, 0) };
  };
  const baseline = await memory();
  const idleTokens = await tokensFor(200);
  const processes = 4;
  const idle = Array.from({ length: processes }, (_, i) =>
    startSubscribers(
      (i % 2 ? second : gateway).url,
      Math.floor(IDLE / processes) + (i < IDLE % processes ? 1 : 0),
      idleTokens,
      'subscription { orderUpdated { number status } }',
    ),
  );
  clients.push(...idle);
  const idleConnected = await withDeadline(
    Promise.all(idle.map((c) => c.connected)),
    180_000,
    'idle subscribers',
  );
  await sleep(3000);
  const held = await memory();
  const accepted = idleConnected.reduce((sum, c) => sum + c.accepted, 0);
  const refused = idleConnected.reduce((sum, c) => sum + c.refused, 0);
  const added = held.total - baseline.total;
  console.log(`\n${IDLE} idle subscribers over two gateway processes (load average ${avg()}):`);
  console.table({
    'resident MiB (gateway 1, gateway 2, orders)': {
      baseline: baseline.each.map((v) => Math.round(v)).join(' / '),
      held: held.each.map((v) => Math.round(v)).join(' / '),
    },
    total: { baseline: Math.round(baseline.total), held: Math.round(held.total) },
  });
  console.log(
    `accepted ${accepted}, refused ${refused}; ${((added * 1024) / Math.max(accepted, 1)).toFixed(1)} KB per subscriber over the baseline`,
  );
  const idleOk = accepted === IDLE && held.total <= 1024;
  console.log('\nGoals (issue 16, 3):');
  console.table({
    [`commit → client p99 < 50 ms, ${SUBSCRIBERS} subscribers, nothing lost, in order`]: {
      value: `${pct(all, 99)} ms, ${short} short, ${misordered} out of order`,
      result: latencyOk ? 'met' : 'NOT met',
    },
    [`${IDLE} idle subscribers all accepted, ≤ 1 GiB (gateways + orders)`]: {
      value: `${accepted} accepted, ${Math.round(held.total)} MiB`,
      result: idleOk ? 'met' : 'NOT met',
    },
  });
} finally {
  await Promise.all(clients.map((c) => c.stop()));
  for (const service of gateways) await service.stop();
  await stack.stop();
}
