import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '#kit/ferretdb.ts';
import { endings } from '#kit/testing/processes.ts';
import type { Env } from '../../../../test/support/stack.ts';
import { ordersTestEnv } from './orders-stack.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The orders service as a real child process (`node subgraphs/orders/src/index.ts`,
 * on this Node), so a test can SIGKILL it. Resolves once /health answers.
 */
export async function spawnOrders(env: Env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['subgraphs/orders/src/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...ordersTestEnv(), ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const { exited, stop, kill } = endings(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`orders exited during start-up: ${stderr}`);
    const ok = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`orders did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    exited,
    stop,
    /** A crash: no drain, no goodbye. */
    kill,
  };
}
