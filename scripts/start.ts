// `npm start`: the whole simulation on this machine. Starts an embedded
// PostgreSQL unless DATABASE_URL is set or one answers on LOCAL_POSTGRES_URL,
// a MongoDB-wire server (FerretDB) unless MONGODB_URL is set, then the three subgraphs and
// the gateway as child processes, waits until each is ready, prints the URLs,
// and stops everything on Ctrl-C or SIGTERM.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { startFerretDb, type RunningFerretDb } from '#kit/ferretdb.ts';
import { ensurePostgresDatabase } from '#kit/postgres.ts';
import { localPostgres, type LocalPostgres } from '#kit/embedded-postgres.ts';
import { localUrl as url, SERVICE_NAMES, spawnService, stopServices, waitReady } from './lib/services.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
if (existsSync(`${root}.env`)) process.loadEnvFile(`${root}.env`);

const env: NodeJS.ProcessEnv = { ...process.env };

const PORTS = {
  customers: env.CUSTOMERS_PORT ?? '4001',
  factory: env.FACTORY_PORT ?? '4003',
  orders: env.ORDERS_PORT ?? '4002',
  gateway: env.PORT ?? '4000',
};
const SERVICES = SERVICE_NAMES.map((name) => ({ name, port: PORTS[name] }));
// OpenTelemetry first, before any module it instruments (a no-op unless OTEL_* configures an exporter).
const PRELOAD = './packages/kit/src/telemetry/preload.ts';
const portOf = (name: keyof typeof PORTS) => PORTS[name];
env.CUSTOMERS_URL ??= url(portOf('customers'), '/graphql');
env.ORDERS_URL ??= url(portOf('orders'), '/graphql');
env.FACTORY_URL ??= url(portOf('factory'), '/graphql');
env.ORDERS_WEBHOOK_URL ??= url(portOf('orders'), '/webhooks/production');
// A local floor is never idle: random orders every 30 s unless configured (`off` disables).
env.RANDOM_ORDERS_EVERY ??= '30 seconds';

const children: ChildProcess[] = [];
let ferret: RunningFerretDb | undefined;
let postgres: LocalPostgres | undefined;
let stopping = false;

let stopped: Promise<void> | undefined;

/** Stops the children in reverse start order, then FerretDB; a second signal waits for the same stop. */
async function stopAll(code: number): Promise<never> {
  stopped ??= (async () => {
    stopping = true;
    console.log('\nStopping Factory Floor...');
    await stopServices(children);
    await ferret?.stop();
    await postgres?.stop();
  })();
  await stopped;
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function mongoAnswers(mongoUrl: string): Promise<boolean> {
  const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

try {
  for (const [what, dist, script] of [
    ['GraphiQL', 'gateway/graphiql-dist', 'build:graphiql'],
    ['the web console', 'gateway/console-dist', 'build:console'],
  ] as const) {
    if (existsSync(`${root}${dist}/index.html`)) continue;
    console.log(`Building ${what} (first run only)...`);
    const build = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`npm run ${script} failed`);
  }
  if (!env.DATABASE_URL) {
    // The system's server when one answers there, else an embedded one (nothing to install but Node).
    const probe = env.LOCAL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    postgres = await localPostgres({ url: probe, dataDir: `${root}.data/postgres` });
    const where = new URL(postgres.url).host;
    console.log(
      postgres.embedded
        ? `Started embedded PostgreSQL 17 on ${where} (data in .data/postgres)`
        : `Using the PostgreSQL already on ${where}`,
    );
    const database = new URL(postgres.url);
    database.pathname = '/factory_floor';
    env.DATABASE_URL = database.toString();
  }
  const databaseUrl = env.DATABASE_URL;
  await ensurePostgresDatabase(databaseUrl).catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${databaseUrl} (${error.message}); set DATABASE_URL`);
  });
  if (!env.MONGODB_URL) {
    const local = 'mongodb://127.0.0.1:27017/';
    if (await mongoAnswers(local)) {
      console.log(`Using the MongoDB-wire server already on ${local}`);
    } else {
      ferret = await startFerretDb({ dataDir: `${root}.data/ferretdb`, port: 27017, logLevel: 'error' });
      console.log(`Started FerretDB on ${ferret.url} (data in .data/ferretdb)`);
    }
    env.MONGODB_URL = local;
  }

  for (const service of SERVICES) {
    const child = spawnService(service.name, {
      root,
      env: { ...env, PORT: service.port },
      execArgv: ['--import', PRELOAD],
    });
    children.push(child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(
        `${service.name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping everything`,
      );
      void stopAll(1);
    });
    await waitReady(service.name, service.port, child);
    if (service.name === 'customers' && env.SEED_CUSTOMERS !== 'off') {
      // Idempotent: someone to order for on a fresh stack, nothing new on later starts.
      const seed = spawnSync(process.execPath, ['scripts/seed.ts'], { cwd: root, env, stdio: 'inherit' });
      if (seed.status !== 0) throw new Error('seeding customers failed');
    }
  }

  const gateway = portOf('gateway');
  console.log(`
Factory Floor is running.
  Web console                 ${url(gateway, '/')}
  GraphQL (HTTP + WebSocket)  ${url(gateway, '/graphql')}
  GraphiQL                    ${url(gateway, '/graphiql')}
  Health / readiness          ${url(gateway, '/health')}  ${url(gateway, '/ready')}
  Subgraphs                   customers ${env.CUSTOMERS_URL}  orders ${env.ORDERS_URL}  factory ${env.FACTORY_URL}
  A token for GraphiQL:       npm run token -- --role admin
Press Ctrl-C to stop.`);
} catch (error) {
  console.error(`npm start failed: ${(error as Error).message}`);
  await stopAll(1);
}
