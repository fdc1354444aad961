/**
 * CPU profile of a gateway under the gateway-vs-hive page load:
 *   node scripts/bench/gateway/profile-gateway.ts <dir> [seconds] [--dedupe] [--checkout=DIR]
 *     [--one-at-a-time]
 * writes a .cpuprofile to <dir> and prints the top self-time packages and functions of the samples
 * taken while the load ran (start-up and warm-up left out), as shares of the busy (non-idle) time,
 * with the gateway's CPU ms per request. Dedupe is off unless --dedupe (each request does its own work).
 * --one-at-a-time: the added-latency phase's load instead, the orders-only query one request at a time.
 */
import { readCpuProfile, summariseCpuProfile } from '../lib/cpu-profile.ts';
import { signToken } from '#kit/auth.ts';
import { freePort } from '#kit/ferretdb.ts';
import { meter } from './cpu.ts';
import { spawnService, startStack } from './services.ts';
import { hammer } from './load.ts';
import { bodyOf, ORDERS_ONLY, PAGE, seedPage } from './page.ts';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const dir = positional[0] ?? '/tmp/gateway-profile';
const seconds = Number(positional[1] ?? 10);
const dedupe = process.argv.includes('--dedupe');
const oneAtATime = process.argv.includes('--one-at-a-time');
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
  const run = oneAtATime
    ? (s: number) => hammer({ ...target, body: bodyOf(ORDERS_ONLY) }, s, 1)
    : (s: number) => hammer({ ...target, body: bodyOf(PAGE) }, s);
  await run(3); // warm-up
  const counting = await meter({ gateway: gateway.child.pid });
  const started = monotonicUs();
  const load = await run(seconds);
  window = [started, monotonicUs()];
  const { costs } = await counting.stop();
  console.log({ ...load, 'gateway CPU ms/req': costs.gateway!.cpuMs / (load.rps * seconds) });
  await gateway.stop();
} finally {
  await stack.stop();
}

const { file, profile } = readCpuProfile(dir);
const { busy, text } = summariseCpuProfile(profile, { packages: 25, functions: 40, window });
console.log(`${file}: ${busy} busy samples while loaded\n\n${text}`);
