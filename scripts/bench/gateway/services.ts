/**
 * The supergraph's services for a gateway benchmark, each in its own Node process (as deployed),
 * on a fresh PostgreSQL database and a throwaway MongoDB-wire server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, throwawayMongo } from '#kit/ferretdb.ts';
import { benchSecrets } from '../secrets.ts';
import { childPids } from '#kit/testing/processes.ts';
import { pidsWith } from './cpu.ts';
import { localUrl, stopServices, waitReady } from '../../lib/services.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface Service {
  name: string;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** Event-loop delay and GC pauses since the last call (services started with `loopStats`). */
  loopStats(): Promise<LoopStats | undefined>;
}

type Pauses = { count: number; totalMs: number; maxMs: number };
export interface LoopStats {
  loopDelayMs: { p50: number; p99: number; max: number };
  gc: { scavenge: Pauses; markSweep: Pauses; incremental: Pauses };
}

const LOOP_STATS = fileURLToPath(new URL('./loop-stats.ts', import.meta.url));

/** Several processes' loop stats as one: the worst loop delays, every GC pause counted. */
function worstOf(all: LoopStats[]): LoopStats {
  const max = (pick: (stats: LoopStats) => number) => Math.max(...all.map(pick));
  const pauses = (pick: (stats: LoopStats) => Pauses): Pauses => ({
    count: all.reduce((sum, stats) => sum + pick(stats).count, 0),
    totalMs: all.reduce((sum, stats) => sum + pick(stats).totalMs, 0),
    maxMs: max((stats) => pick(stats).maxMs),
  });
  return {
    loopDelayMs: {
      p50: max((stats) => stats.loopDelayMs.p50),
      p99: max((stats) => stats.loopDelayMs.p99),
      max: max((stats) => stats.loopDelayMs.max),
    },
    gc: {
      scavenge: pauses((stats) => stats.gc.scavenge),
      markSweep: pauses((stats) => stats.gc.markSweep),
      incremental: pauses((stats) => stats.gc.incremental),
    },
  };
}

/**
 * Starts `entry` (a path from the root of this checkout, or of `root`) as a child process and
 * waits for its /ready. With `loopStats`, scripts/bench/gateway/loop-stats.ts is loaded into it.
 */
export async function spawnService(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: { args?: string[]; readyPath?: string; root?: string; loopStats?: boolean } = {},
): Promise<Service> {
  const { args = [], readyPath = '/ready', loopStats = false } = options;
  // Another checkout's copy of the service (benchmarks comparing trees side by side).
  const from = (options.root ?? root).replace(/\/?$/, '/');
  const port = Number(env.PORT);
  const statsFile = `${tmpdir()}/ff-loop-stats-${name}-${port}.json`;
  const child = spawn(
    process.execPath,
    [...(loopStats ? ['--import', LOOP_STATS] : []), ...args, `${from}${entry}`],
    {
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        ...env,
        ...(loopStats ? { LOOP_STATS_FILE: statsFile } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
      cwd: from,
    },
  );
  await waitReady(name, port, child, 60_000, readyPath);
  return {
    name,
    url: localUrl(port, '/graphql'),
    child,
    stop: () => stopServices([child]),
    async loopStats() {
      if (!loopStats) return undefined;
      // The process and its workers, if it runs any (each writes its own file).
      const pids = [child.pid!, ...childPids(child.pid!)];
      const files = pids.map((pid, i) => (i === 0 ? statsFile : `${statsFile}.${pid}`));
      for (const file of files) rmSync(file, { force: true });
      for (const pid of pids) process.kill(pid, 'SIGUSR2');
      for (let waited = 0; !files.every((file) => existsSync(file)) && waited < 5000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const all = files
        .filter((file) => existsSync(file))
        .map((file) => JSON.parse(readFileSync(file, 'utf8')) as LoopStats);
      return all.length ? worstOf(all) : undefined;
    },
  };
}

export type Secrets = ReturnType<typeof benchSecrets>;

export interface Stack {
  secrets: Secrets;
  env: Record<string, string>;
  urls: { customers: string; orders: string; factory: string };
  services: Service[];
  /** The stack's database servers: FerretDB's process and the PostgreSQL backends serving its database. */
  databasePids(): Promise<{ ferretdb: number[]; postgres: number[] }>;
  stop(): Promise<void>;
}

/** customers, factory and orders in three processes, on their own database. */
export async function startStack(label: string): Promise<Stack> {
  const secrets = benchSecrets();
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const mongo = await throwawayMongo(label);
  const stamp = Date.now().toString(36);
  const dbName = `ff_bench_${label}_${stamp}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${dbName}`;
  const [customersPort, factoryPort, ordersPort] = [await freePort(), await freePort(), await freePort()];
  const urls = {
    customers: `http://127.0.0.1:${customersPort}/graphql`,
    orders: `http://127.0.0.1:${ordersPort}/graphql`,
    factory: `http://127.0.0.1:${factoryPort}/graphql`,
  };
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    ...secrets,
    SIM_TIME_SCALE: '0',
    DATABASE_URL: dbUrl.toString(),
    MONGODB_URL: mongo.url,
    CUSTOMERS_URL: urls.customers,
    ORDERS_URL: urls.orders,
    FACTORY_URL: urls.factory,
    ORDERS_WEBHOOK_URL: `http://127.0.0.1:${ordersPort}/webhooks/production`,
    FACTORY_DB_PREFIX: `ff_bench_${label}_${stamp}_`,
    RANDOM_ORDERS_EVERY: 'off',
    JOB_POLL_MS: '20',
  };
  const services: Service[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
    await admin.end();
    await mongo.stop();
  };
  try {
    const start = (name: string, port: number) =>
      spawnService(name, `subgraphs/${name}/src/index.ts`, { ...env, PORT: String(port) });
    services.push(await start('customers', customersPort));
    services.push(await start('factory', factoryPort));
    services.push(await start('orders', ordersPort));
  } catch (error) {
    await stop();
    throw error;
  }
  const databasePids = async () => ({
    ferretdb: await pidsWith('ferretdb', `:${new URL(mongo.url).port}`),
    postgres: await pidsWith('postgres:', dbName),
  });
  return { secrets, env, urls, services, databasePids, stop };
}

/** Resident memory of a process in MiB (Linux /proc), or NaN. */
export async function rssMiB(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}
