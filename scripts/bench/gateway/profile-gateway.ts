/**
 * CPU profile of a gateway under the gateway-vs-hive page load:
 *   node scripts/bench/gateway/profile-gateway.ts <dir> [seconds] [--dedupe] [--checkout=DIR]
 * writes a .cpuprofile to <dir> and prints the top self-time packages and functions of the samples
 * taken while the load ran (start-up and warm-up left out), as shares of the busy (non-idle) time,
 * with the gateway's CPU ms per request. Dedupe is off unless --dedupe (each request does its own work).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { signToken } from '#kit/auth.ts';
import { freePort } from '#kit/ferretdb.ts';
import { meter } from './cpu.ts';
import { spawnService, startStack } from './services.ts';
import { hammer } from './load.ts';
import { bodyOf, PAGE, seedPage } from './page.ts';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const dir = positional[0] ?? '/tmp/gateway-profile';
const seconds = Number(positional[1] ?? 10);
const dedupe = process.argv.includes('--dedupe');
const checkout = process.argv.find((arg) => arg.startsWith('--checkout='))?.split('=')[1];
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n); // V8's profile clock (CLOCK_MONOTONIC)

const stack = await startStack('gwprof');
let window: [number, number];
try {
  const token = await signToken(stack.secrets.JWT_SECRET, { sub: 'bench', role: 'admin' });
  const gateway = await spawnService(
    'ours',
    'gateway/src/index.ts',
    { ...stack.env, PORT: String(await freePort()), DEDUPLICATE_READS: String(dedupe) },
    { args: ['--cpu-prof', `--cpu-prof-dir=${dir}`], root: checkout },
  );
  const target = { url: gateway.url, headers: async () => ({ authorization: `Bearer ${token}` }) };
  await seedPage(target);
  await hammer({ ...target, body: bodyOf(PAGE) }, 3); // warm-up
  const counting = await meter({ gateway: gateway.child.pid });
  const started = monotonicUs();
  const load = await hammer({ ...target, body: bodyOf(PAGE) }, seconds);
  window = [started, monotonicUs()];
  const { costs } = await counting.stop();
  console.log({ ...load, 'gateway CPU ms/req': costs.gateway!.cpuMs / (load.rps * seconds) });
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
  timeDeltas: number[];
  startTime: number;
};
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<string, number>();
const byPackage = new Map<string, number>();
const root = new URL('../../../', import.meta.url).href;
let at = profile.startTime;
let busy = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i]!;
  if (at < window[0] || at > window[1]) return;
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') return;
  busy++;
  const where = url.replace(/^.*node_modules\//, '').replace(root, '');
  const name = `${functionName || '(anonymous)'} ${where}:${lineNumber}`;
  self.set(name, (self.get(name) ?? 0) + 1);
  const pkg =
    /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
    (url ? where.split('/').slice(0, 3).join('/') : functionName);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + 1);
});
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${((100 * count) / busy).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
console.log(
  `${dir}/${file}: ${busy} busy samples while loaded\n\nself time by package:\n${top(byPackage, 25)}\n\nby function:\n${top(self, 40)}`,
);
