/**
 * What tracing costs the gateway, side by side in one run: scripts/bench/gateway-latency.ts
 * (services in its process, sequential queries, subscribers: at most WS_MAX_CONNECTIONS_PER_IDENTITY = 10) in child processes,
 *  a. plain `node` (no telemetry preload),
 *  b. with `--import …/telemetry/preload.ts` and no OTEL_* variable (telemetry off: the default),
 *  c. the same with OTEL_EXPORTER_OTLP_ENDPOINT at an OTLP/HTTP sink run here (every span exported),
 * in alternating rounds; prints each variant's medians and p99s and their ratios to (a).
 *   node scripts/bench/telemetry-overhead.ts [--rounds=2] [--queries=300] [--subscribers=8] [--orders=8]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { listen } from '#kit/http.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const ROUNDS = arg('rounds', 2);
const passOn = ['queries', 'subscribers', 'orders'].map(
  (name) => `--${name}=${arg(name, { queries: 300, subscribers: 8, orders: 8 }[name]!)}`,
);
const root = fileURLToPath(new URL('../../', import.meta.url));
const PRELOAD = './packages/kit/src/telemetry/preload.ts';

// The collector: takes every export and answers 200, counting what it got.
let exports = 0;
let exportedBytes = 0;
const sink = await listen(
  createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (exportedBytes += chunk.length));
    req.on('end', () => {
      exports++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  }),
  0,
);

const VARIANTS = {
  'a. no preload': { args: [], env: {} },
  'b. preload, OTEL unset (off)': { args: ['--import', PRELOAD], env: {} },
  'c. preload, exporting (on)': {
    args: ['--import', PRELOAD],
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'bench' },
  },
} as const;
type Variant = keyof typeof VARIANTS;

const ROWS = {
  'gateway, same selection': /gateway, same orders-only selection[^│]*│\s*\d+\s*│\s*([\d.]+)\s*│\s*([\d.]+)/,
  'gateway, federated': /gateway, federated[^│]*│\s*\d+\s*│\s*([\d.]+)\s*│\s*([\d.]+)/,
  'subscription event': /through the gateway, \d+ clients[^│]*│\s*\d+\s*│\s*([\d.]+)\s*│\s*([\d.]+)/,
} as const;
type Row = keyof typeof ROWS;

async function run(variant: Variant): Promise<Record<Row, { median: number; p99: number }>> {
  const { args, env } = VARIANTS[variant];
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_')));
  const child = spawn(process.execPath, [...args, 'scripts/bench/gateway-latency.ts', ...passOn], {
    cwd: root,
    env: { ...clean, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${variant}: gateway-latency exited ${code}\n${out}`);
  return Object.fromEntries(
    Object.entries(ROWS).map(([row, pattern]) => {
      const match = pattern.exec(out);
      if (!match) throw new Error(`${variant}: no "${row}" row in\n${out}`);
      return [row, { median: Number(match[1]), p99: Number(match[2]) }];
    }),
  ) as Record<Row, { median: number; p99: number }>;
}

const results = new Map<Variant, Record<Row, { median: number; p99: number }>[]>();
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order so drift on a shared machine does not favour one variant.
  const order = (Object.keys(VARIANTS) as Variant[]).slice();
  if (round % 2) order.reverse();
  for (const variant of order) {
    console.log(`round ${round + 1}: ${variant}`);
    results.set(variant, [...(results.get(variant) ?? []), await run(variant)]);
  }
}
await sink.close();

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const baseline = results.get('a. no preload')!;
const table: Record<string, Record<string, string>> = {};
for (const [variant, runs] of results) {
  for (const row of Object.keys(ROWS) as Row[]) {
    const median = mean(runs.map((r) => r[row].median));
    const p99 = mean(runs.map((r) => r[row].p99));
    const baseMedian = mean(baseline.map((r) => r[row].median));
    const baseP99 = mean(baseline.map((r) => r[row].p99));
    table[`${variant} · ${row}`] = {
      'median ms': median.toFixed(2),
      'p99 ms': p99.toFixed(2),
      'median ÷ a': (median / baseMedian).toFixed(2),
      'p99 ÷ a': (p99 / baseP99).toFixed(2),
    };
  }
}
console.log(
  `\nTelemetry overhead, ${ROUNDS} alternating rounds, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}:`,
);
console.table(table);
console.log(
  `the sink received ${exports} OTLP exports, ${(exportedBytes / 1e6).toFixed(1)} MB (variant c only)`,
);
