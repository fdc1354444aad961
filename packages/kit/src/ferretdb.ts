import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { sleep } from './sim-time.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const toolDir = join(root, 'tools', 'ferretdb');
// Named by its patch level, so a binary built before the patch is never taken for the patched one.
const localBinary = join(root, '.tools', 'bin', 'ferretdb-1.24.2-p3');

/**
 * Finds the FerretDB binary, building it the first time (pinned in tools/ferretdb/go.mod, with
 * tools/ferretdb/ferretdb-1.24.2.patch applied to FerretDB and modernc-sqlite-1.32.0.patch to its
 * SQLite driver: see docs/operations.md). `FERRETDB_BIN` overrides.
 */
export function ensureFerretDbBinary(log: (line: string) => void = console.error): string {
  const configured = process.env.FERRETDB_BIN;
  if (configured) return configured;
  if (existsSync(localBinary)) return localBinary;
  const go = ['/usr/local/go/bin/go', 'go'].find((candidate) => {
    try {
      execFileSync(candidate, ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  if (!go) throw new Error('FerretDB is not installed and Go is missing: install Go, or set MONGODB_URL');
  log('Building FerretDB 1.24.2 (patched) with go build (first run only, about two minutes)...');
  buildPatchedFerretDb(go);
  return localBinary;
}

/**
 * FerretDB's module and its SQLite driver's, copied out of the module cache and patched, replace
 * the pinned ones for this build only.
 */
function buildPatchedFerretDb(go: string) {
  const run = (args: string[], cwd = toolDir) =>
    execFileSync(go, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const work = mkdtempSync(join(tmpdir(), 'ff-ferretdb-build-'));
  const patched = (module: string, name: string, patch: string) => {
    const { Dir } = JSON.parse(run(['mod', 'download', '-json', module])) as { Dir: string };
    const source = join(work, name);
    cpSync(Dir, source, { recursive: true });
    execFileSync('chmod', ['-R', 'u+w', source]);
    // git apply, not patch(1): git is on every machine that has the repository.
    execFileSync('git', ['apply', '-p1', join(toolDir, patch)], {
      cwd: source,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    return `replace ${module} => ${source}\n`;
  };
  try {
    const replaces =
      patched('github.com/FerretDB/FerretDB', 'FerretDB', 'ferretdb-1.24.2.patch') +
      patched('modernc.org/sqlite', 'sqlite', 'modernc-sqlite-1.32.0.patch');
    const modfile = join(work, 'go.mod');
    writeFileSync(modfile, `${readFileSync(join(toolDir, 'go.mod'), 'utf8')}\n${replaces}`);
    cpSync(join(toolDir, 'go.sum'), join(work, 'go.sum'));
    mkdirSync(dirname(localBinary), { recursive: true });
    run(['build', `-modfile=${modfile}`, '-o', localBinary, '.']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const canListen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * A port free on 127.0.0.1 now, for a server to listen on soon. Drawn below Linux's ephemeral
 * range (32768–60999): a port from `listen(0)` comes from the range every outgoing connection
 * takes its local port from too, and with many test processes connecting, one took such a port
 * before its server listened (EADDRINUSE, or a request answered by another test's server).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port on 127.0.0.1 between 20000 and 31999');
}

export interface RunningFerretDb {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts FerretDB on its SQLite backend with data in `dataDir`, and waits until it answers a ping. */
export async function startFerretDb(options: {
  dataDir: string;
  port?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Another build (a benchmark runs each checkout's own); else this checkout's. */
  binary?: string;
}): Promise<RunningFerretDb> {
  const binary = options.binary ?? ensureFerretDbBinary();
  const port = options.port ?? (await freePort());
  mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    binary,
    [
      ...['--listen-addr', `127.0.0.1:${port}`, '--handler', 'sqlite'],
      ...['--sqlite-url', `file:${options.dataDir}/`, '--log-level', options.logLevel ?? 'error'],
    ],
    // Go's collector ran an eighth of FerretDB's CPU time under load at the default GOGC=100; its
    // heap is tens of MB, so collecting a quarter as often costs little memory.
    { stdio: ['ignore', 'inherit', 'inherit'], env: { GOGC: '400', ...process.env } },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `mongodb://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };

  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode}`);
    const client = new MongoClient(url, { serverSelectionTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return { url, process: child, stop };
    } catch (error) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`FerretDB did not answer on ${url}`, { cause: error });
      }
      await sleep(100);
    } finally {
      await client.close();
    }
  }
}

/**
 * A MongoDB-wire server for one run (tests, benchmarks): `MONGODB_URL` when
 * set, else a FerretDB on a temporary directory that `stop()` removes.
 */
export async function throwawayMongo(
  label: string,
  /** Another FerretDB build (a benchmark runs each checkout's own); else this checkout's. */
  binary?: string,
): Promise<{
  url: string;
  stop(): Promise<void>;
  /** FerretDB's process id, when started here (for CPU figures). */
  pid?: number;
}> {
  const configured = process.env.MONGODB_URL;
  if (configured) return { url: configured, stop: async () => {} };
  const dataDir = mkdtempSync(join(tmpdir(), `ff-${label}-ferretdb-`));
  const ferret = await startFerretDb({ dataDir, ...(binary ? { binary } : {}) });
  return {
    url: ferret.url,
    pid: ferret.process.pid,
    stop: async () => {
      await ferret.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether `db` is served by FerretDB (its buildInfo names its version), whose SQLite backend
 * answers every filter but an `_id` equality by a scan: there a secondary index serves no query
 * and costs every write (SQLite evaluates each index's JSON paths for each stored version).
 */
export async function isFerretDb(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info;
}
