/**
 * Our gateway beside Hive Gateway (issue 16), on the same supergraph and the same subgraph processes,
 * each gateway in its own single process; autocannon with 20 connections, rounds alternating, warm-up
 * excluded:
 *  1. RPS and p99 of a federated page (orders + customer + each line's production order and factory),
 *     each gateway as its users run it (in-flight deduplication of identical subgraph reads on), then
 *     both with deduplication off.
 *  2. Each subgraph fetch of that query alone, straight at its subgraph: the gateway's RPS against the
 *     slowest of them, and the latency it adds over the orders subgraph called directly (per-pair
 *     differences, sequential).
 *   node scripts/bench/gateway-vs-hive.ts [--seconds=10] [--rounds=3] [--pairs=500]
 */
import { createServer, type IncomingMessage } from 'node:http';
import { loadavg } from 'node:os';
import { signToken } from '#kit/auth.ts';
import { freePort } from '#kit/ferretdb.ts';
import { IDENTITY_HEADER, signGatewayIdentity } from '#kit/service-token.ts';
import { spawnService, startStack, type Service } from './gateway/services.ts';
import { addedLatency, combine, hammer, post, type Load, type Target } from './gateway/load.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const SECONDS = arg('seconds', 10);
const ROUNDS = arg('rounds', 3);
const PAIRS = arg('pairs', 500);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PAGE = `query Page { orders(first: 5) { edges { node { number status
  customer { name email }
  lines { id product quantity productionOrder { status startedAt factory { id name } } } } } } }`;
const ORDERS_ONLY = 'query OrdersOnly { orders(first: 5) { edges { node { number status placedAt } } } }';

const stack = await startStack('gwhive');
const { secrets } = stack;
const token = await signToken(secrets.JWT_SECRET, { sub: 'bench', role: 'admin' });
const gateways: Service[] = [];
const startOurs = async (dedupe: boolean, urls = stack.urls) => {
  const port = await freePort();
  const service = await spawnService(`ours${dedupe ? '' : '-nodedupe'}`, 'gateway/src/index.ts', {
    ...stack.env,
    CUSTOMERS_URL: urls.customers,
    ORDERS_URL: urls.orders,
    FACTORY_URL: urls.factory,
    PORT: String(port),
    DEDUPLICATE_READS: String(dedupe),
  });
  gateways.push(service);
  return service;
};
const startHive = async (dedupe: boolean) => {
  const port = await freePort();
  const service = await spawnService(
    `hive${dedupe ? '' : '-nodedupe'}`,
    'scripts/bench/gateway/hive-gateway.ts',
    { ...stack.env, PORT: String(port), HIVE_DEDUPLICATE: String(dedupe), LOG_LEVEL: 'error' },
    { readyPath: '/readiness' },
  );
  gateways.push(service);
  return service;
};
const asUser = async () => ({ authorization: `Bearer ${token}` });
const bodyOf = (query: string, variables: Record<string, unknown> = {}) =>
  JSON.stringify({ query, variables });

/** Sends each subgraph request through, keeping its body: which fetches the query makes. */
async function recordFetches(urls: Record<string, string>) {
  const seen: { subgraph: string; body: string }[] = [];
  const proxies = await Promise.all(
    Object.entries(urls).map(async ([subgraph, url]) => {
      const port = await freePort();
      const server = createServer(async (req: IncomingMessage, res) => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString();
        if (req.method === 'POST') seen.push({ subgraph, body });
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(
            ([name]) => !['host', 'content-length', 'connection'].includes(name),
          ),
        ) as Record<string, string>;
        const upstream = await fetch(new URL(req.url ?? '/', url), {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'POST' ? { body } : {}),
        });
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return { subgraph, server, url: `http://127.0.0.1:${port}/graphql` };
    }),
  );
  return {
    seen,
    urls: Object.fromEntries(proxies.map(({ subgraph, url }) => [subgraph, url])) as typeof stack.urls,
    close: () => proxies.forEach(({ server }) => server.close()),
  };
}

try {
  // Seed through our gateway: a customer and orders whose lines have production orders.
  const seeder = await startOurs(false);
  const via = (query: string, variables?: Record<string, unknown>) =>
    post({ url: seeder.url, headers: asUser, body: bodyOf(query, variables) });
  const created = (await via(
    'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
    { input: { name: 'Bench Customer', email: 'bench.hive@example.com' } },
  )) as { data: { createCustomer: { id: string } } };
  for (let i = 0; i < 8; i++) {
    await via('mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }', {
      input: {
        customerId: created.data.createCustomer.id,
        lines: [
          { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
          { product: 'GADGET', quantity: 1 },
          { product: 'GIZMO', quantity: 1 },
        ],
      },
    });
  }
  for (let waited = 0; ; waited += 250) {
    const page = (await via(PAGE)) as { data?: { orders: { edges: { node: { status: string } }[] } } };
    const statuses = page.data?.orders.edges.map(({ node }) => node.status) ?? [];
    if (statuses.length === 5 && statuses.every((status) => status !== 'VERIFIED')) break;
    if (waited > 30_000) throw new Error(`orders were not scheduled: ${JSON.stringify(page)}`);
    await sleep(250);
  }
  await seeder.stop();
  gateways.length = 0;

  // Which subgraph fetches the page makes (through a recording proxy), to call them directly.
  const recorder = await recordFetches(stack.urls);
  const recording = await startOurs(false, recorder.urls);
  const recorded = await post({ url: recording.url, headers: asUser, body: bodyOf(PAGE) });
  if (recorded.errors) throw new Error(`the page failed: ${JSON.stringify(recorded.errors)}`);
  await recording.stop();
  recorder.close();
  gateways.length = 0;
  const fetches = recorder.seen.map(({ subgraph, body }) => ({
    name: `${subgraph} ${(JSON.parse(body) as { query: string }).query.includes('_entities') ? '_entities' : 'query'}`,
    target: {
      url: stack.urls[subgraph as keyof typeof stack.urls],
      headers: async () => ({
        [IDENTITY_HEADER]: await signGatewayIdentity(
          secrets.SERVICE_TOKEN_SECRET,
          { sub: 'bench', role: 'admin' },
          subgraph,
        ),
      }),
      body,
    } satisfies Target,
  }));

  const ours = await startOurs(true);
  const hive = await startHive(true);
  const oursPlain = await startOurs(false);
  const hivePlain = await startHive(false);
  const page = (service: Service): Target => ({ url: service.url, headers: asUser, body: bodyOf(PAGE) });
  for (const service of [ours, hive, oursPlain, hivePlain]) {
    const answer = await post(page(service));
    if (answer.errors || !answer.data) throw new Error(`${service.name}: ${JSON.stringify(answer.errors)}`);
  }
  const load = avg();
  console.log(`load average before: ${load}`);

  const rounds: Record<string, Load[]> = {};
  const measure = async (name: string, target: Target) => {
    (rounds[name] ??= []).push(await hammer(target, SECONDS));
  };
  for (const target of [ours, hive, oursPlain, hivePlain]) await hammer(page(target), 3); // warm-up
  for (const fetch of fetches) await hammer(fetch.target, 2);
  for (let round = 0; round < ROUNDS; round++) {
    await measure('ours (dedupe on)', page(ours));
    await measure('hive (dedupe on)', page(hive));
    await measure('ours (dedupe off)', page(oursPlain));
    await measure('hive (dedupe off)', page(hivePlain));
    for (const fetch of fetches) await measure(`alone: ${fetch.name}`, fetch.target);
  }
  const results = Object.fromEntries(Object.entries(rounds).map(([name, all]) => [name, combine(all)]));
  const rows = (names: string[]) =>
    Object.fromEntries(
      names.map((name) => {
        const { rps, p50, p99, errors } = results[name]!;
        return [name, { rps: Math.round(rps), 'p50 ms': p50, 'p99 ms': p99, errors }];
      }),
    );
  console.log(`\nFederated page (${ROUNDS} × ${SECONDS} s, 20 connections, alternating):`);
  console.table(rows(Object.keys(results)));
  const ratio = (a: string, b: string) => results[a]!.rps / results[b]!.rps;
  const slowest = fetches
    .map((fetch) => ({ name: fetch.name, rps: results[`alone: ${fetch.name}`]!.rps }))
    .sort((a, b) => a.rps - b.rps)[0]!;

  const ordersDirect: Target = {
    url: stack.urls.orders,
    headers: fetches.find((fetch) => fetch.name.startsWith('orders'))!.target.headers,
    body: bodyOf(ORDERS_ONLY),
  };
  const addedOurs = await addedLatency(
    { ...ordersDirect, url: ours.url, headers: asUser },
    ordersDirect,
    PAIRS,
  );
  const addedHive = await addedLatency(
    { ...ordersDirect, url: hive.url, headers: asUser },
    ordersDirect,
    PAIRS,
  );

  const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const p99 = (name: string) => results[name]!.p99;
  console.log('\nGoals (issue 16, 1 and 2):');
  console.table({
    'RPS ours / hive, dedupe on': {
      value: +ratio('ours (dedupe on)', 'hive (dedupe on)').toFixed(2),
      goal: '≥ 1.0, p99 no worse',
      result: check(
        ratio('ours (dedupe on)', 'hive (dedupe on)') >= 1 &&
          p99('ours (dedupe on)') <= p99('hive (dedupe on)'),
      ),
    },
    'RPS ours / hive, dedupe off': {
      value: +ratio('ours (dedupe off)', 'hive (dedupe off)').toFixed(2),
      goal: '≥ 1.0, p99 no worse',
      result: check(
        ratio('ours (dedupe off)', 'hive (dedupe off)') >= 1 &&
          p99('ours (dedupe off)') <= p99('hive (dedupe off)'),
      ),
    },
    [`RPS ours (dedupe off) / slowest fetch alone (${slowest.name})`]: {
      value: +(results['ours (dedupe off)']!.rps / slowest.rps).toFixed(2),
      goal: '≥ 0.9',
      result: check(results['ours (dedupe off)']!.rps / slowest.rps >= 0.9),
    },
    'added median ms over orders direct (ours)': {
      value: +addedOurs.median.toFixed(2),
      goal: '≤ 2',
      result: check(addedOurs.median <= 2),
    },
    'added p99 ms over orders direct (ours)': {
      value: +addedOurs.p99.toFixed(2),
      goal: '≤ 5',
      result: check(addedOurs.p99 <= 5),
    },
    'added median / p99 ms (hive, for reference)': {
      value: `${addedHive.median.toFixed(2)} / ${addedHive.p99.toFixed(2)}`,
      goal: '',
      result: '',
    },
  });
  console.log(`load average after: ${avg()}`);
} finally {
  for (const service of gateways) await service.stop();
  await stack.stop();
}

function avg() {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}
