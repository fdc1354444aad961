/**
 * What one idle subscriber costs the gateway's and orders' heaps: a heap snapshot of each before and
 * after N subscribers (one client process, 100 users), diffed by constructor (self size and count).
 *   node scripts/bench/gateway/heap-per-subscriber.ts [--subscribers=2000] [--dir=/tmp/ff-heap] [--checkout=DIR]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signToken } from '#kit/auth.ts';
import { freePort } from '#kit/ferretdb.ts';
import { spawnService, startStack, type Service } from './services.ts';
import { startSubscribers } from './subscriber-processes.ts';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '2000' },
    dir: { type: 'string', default: '/tmp/ff-heap' },
    checkout: { type: 'string' },
  },
});
const N = Number(values.subscribers);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const root = values.checkout ? `${values.checkout.replace(/\/$/, '')}/` : undefined;

/** Self size and count by constructor (V8 heap snapshot: nodes are flat arrays of `node_fields`). */
function byConstructor(file: string) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const totals = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const name =
      type === 'object' || type === 'closure'
        ? `${type}:${snapshot.strings[snapshot.nodes[i + nameAt]!]}`
        : type;
    const entry = totals.get(name) ?? { size: 0, count: 0 };
    entry.size += snapshot.nodes[i + sizeAt]!;
    entry.count++;
    totals.set(name, entry);
  }
  return totals;
}

async function snapshot(service: Service, dir: string) {
  mkdirSync(dir, { recursive: true });
  const before = new Set(readdirSync(dir));
  service.child.kill('SIGUSR2');
  for (let waited = 0; waited < 60_000; waited += 500) {
    await sleep(500);
    const file = readdirSync(dir).find((name) => !before.has(name) && name.endsWith('.heapsnapshot'));
    // Written in one go; wait until its size stops changing.
    if (file) {
      await sleep(3000);
      return `${dir}/${file}`;
    }
  }
  throw new Error('no heap snapshot');
}

rmSync(values.dir, { recursive: true, force: true });
const stack = await startStack('gwheap');
const services: Service[] = [];
try {
  const ordersPort = Number(new URL(stack.urls.orders).port);
  const stockOrders = stack.services.find((service) => service.name === 'orders')!;
  await stockOrders.stop();
  stack.services.splice(stack.services.indexOf(stockOrders), 1);
  const heapArgs = (name: string) => [
    '--heapsnapshot-signal=SIGUSR2',
    `--diagnostic-dir=${values.dir}/${name}`,
  ];
  const orders = await spawnService(
    'orders',
    'subgraphs/orders/src/index.ts',
    { ...stack.env, PORT: String(ordersPort) },
    { args: heapArgs('orders'), root },
  );
  services.push(orders);
  const gateway = await spawnService(
    'gateway',
    'gateway/src/index.ts',
    { ...stack.env, PORT: String(await freePort()), WS_MAX_CONNECTIONS_PER_IDENTITY: '1000' },
    { args: heapArgs('gateway'), root },
  );
  services.push(gateway);
  const tokens = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      signToken(stack.secrets.JWT_SECRET, { sub: `idle-${i}`, role: 'viewer' }),
    ),
  );
  // A first subscriber of each user, so what follows is the cost of one more idle client, not of a group.
  const warm = startSubscribers(gateway.url, 100, tokens, 'subscription { orderUpdated { number status } }');
  await warm.connected;
  await sleep(2000);
  const first = {
    gateway: await snapshot(gateway, `${values.dir}/gateway`),
    orders: await snapshot(orders, `${values.dir}/orders`),
  };
  const idle = startSubscribers(gateway.url, N, tokens, 'subscription { orderUpdated { number status } }');
  const { accepted } = await idle.connected;
  await sleep(3000);
  const second = {
    gateway: await snapshot(gateway, `${values.dir}/gateway`),
    orders: await snapshot(orders, `${values.dir}/orders`),
  };
  for (const name of ['gateway', 'orders'] as const) {
    const a = byConstructor(first[name]);
    const b = byConstructor(second[name]);
    const rows = [...b]
      .map(([key, value]) => {
        const was = a.get(key) ?? { size: 0, count: 0 };
        return { key, bytes: value.size - was.size, count: value.count - was.count };
      })
      .sort((x, y) => y.bytes - x.bytes);
    const total = rows.reduce((sum, row) => sum + row.bytes, 0);
    console.log(
      `\n${name}: heap +${(total / 1024 / 1024).toFixed(1)} MiB for ${accepted} subscribers, ${(total / accepted).toFixed(0)} B each`,
    );
    console.table(
      Object.fromEntries(
        rows.slice(0, 25).map((row) => [
          row.key,
          {
            'B/subscriber': Math.round(row.bytes / accepted),
            'count/subscriber': +(row.count / accepted).toFixed(2),
          },
        ]),
      ),
    );
  }
  await Promise.all([warm.stop(), idle.stop()]);
} finally {
  for (const service of services.reverse()) await service.stop();
  await stack.stop();
}
