/**
 * CPU profile of our gateway under the gateway-vs-hive page load (dedupe off, so every request does
 * its own work): `node scripts/bench/gateway/profile-gateway.ts <dir> [seconds]` writes a .cpuprofile
 * to <dir> and prints the top self-time functions.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { signToken } from '#kit/auth.ts';
import { freePort } from '#kit/ferretdb.ts';
import { spawnService, startStack } from './services.ts';
import { hammer, post } from './load.ts';

const dir = process.argv[2] ?? '/tmp/gateway-profile';
const seconds = Number(process.argv[3] ?? 10);
const PAGE = `query Page { orders(first: 5) { edges { node { number status
  customer { name email }
  lines { id product quantity productionOrder { status startedAt factory { id name } } } } } } }`;

const stack = await startStack('gwprof');
try {
  const token = await signToken(stack.secrets.JWT_SECRET, { sub: 'bench', role: 'admin' });
  const gateway = await spawnService(
    'ours',
    'gateway/src/index.ts',
    { ...stack.env, PORT: String(await freePort()), DEDUPLICATE_READS: 'false' },
    { args: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
  );
  const target = {
    url: gateway.url,
    headers: async () => ({ authorization: `Bearer ${token}` }),
    body: JSON.stringify({ query: PAGE }),
  };
  const customer = (await post({
    ...target,
    body: JSON.stringify({
      query: 'mutation ($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
      variables: { input: { name: 'Profile Customer', email: 'profile@example.com' } },
    }),
  })) as { data: { createCustomer: { id: string } } };
  for (let i = 0; i < 6; i++)
    await post({
      ...target,
      body: JSON.stringify({
        query: 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { number } }',
        variables: {
          input: {
            customerId: customer.data.createCustomer.id,
            lines: [
              { product: 'WIDGET', quantity: 2, attributes: { color: 'red' } },
              { product: 'GADGET', quantity: 1 },
            ],
          },
        },
      }),
    });
  await new Promise((resolve) => setTimeout(resolve, 3000));
  console.log(await hammer(target, seconds));
  await gateway.stop();
} finally {
  await stack.stop();
}

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number } };
const file = readdirSync(dir)
  .filter((name) => name.endsWith('.cpuprofile'))
  .sort()
  .at(-1)!;
const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as {
  nodes: Node[];
  samples: number[];
};
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const id of profile.samples) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*gateway-speed\//, '')}:${lineNumber}`;
  self.set(name, (self.get(name) ?? 0) + 1);
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url
      ? url
          .replace(/^.*gateway-speed\//, '')
          .split('/')
          .slice(0, 2)
          .join('/')
      : functionName);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
}
const total = profile.samples.length;
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${((100 * count) / total).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
console.log(
  `${dir}/${file}: ${total} samples\n\nself time by package:\n${top(byPackage, 25)}\n\nby function:\n${top(self, 40)}`,
);
