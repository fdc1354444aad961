import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { endings } from '#kit/testing/processes.ts';
import { TEST_JWT_SECRET, TEST_SERVICE_TOKEN_SECRET } from '#kit/testing/tokens.ts';
import { waitFor } from './wait.ts';

const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/**
 * The factory service as its own process (`node subgraphs/factory/src/index.ts`),
 * so a test can SIGKILL it mid-job, the way a crash would.
 */
export async function startFactoryProcess(env: Record<string, string>, port: number) {
  const child: ChildProcess = fork(entry, [], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      JWT_SECRET: TEST_JWT_SECRET,
      SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET,
      PORT: String(port),
      ...env,
    },
    stdio: 'inherit',
  });
  const { stop, kill } = endings(child);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    'the factory process to be ready',
    async () => {
      if (child.exitCode !== null) throw new Error(`factory process exited with ${child.exitCode}`);
      return (await fetch(`${base}/ready`).catch(() => null))?.ok;
    },
    30_000,
  );
  return {
    url: `${base}/graphql`,
    /** A crash: no drain, no unlock, no goodbye. */
    kill: async () => void (await kill()),
    /** A graceful stop (SIGTERM: drain, then exit). */
    stop: async () => void (await stop()),
  };
}

export type FactoryProcess = Awaited<ReturnType<typeof startFactoryProcess>>;
