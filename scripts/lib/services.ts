// Starting and stopping the four services as child processes, the way `npm start` runs them
// (scripts/start.ts) and the way the end-to-end benchmarks measure them.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { sleep } from '#kit/sim-time.ts';

export const SERVICE_NAMES = ['customers', 'factory', 'orders', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Each service's entry point, relative to a checkout's root; started in this order. */
export const SERVICE_ENTRIES: Record<ServiceName, string> = {
  customers: 'subgraphs/customers/src/index.ts',
  factory: 'subgraphs/factory/src/index.ts',
  orders: 'subgraphs/orders/src/index.ts',
  gateway: 'gateway/src/index.ts',
};

export const localUrl = (port: string | number, path = '') => `http://127.0.0.1:${port}${path}`;

/** Starts one service (its own process group, so a Ctrl-C reaches only the parent, which stops it in order). */
export function spawnService(
  name: ServiceName,
  options: { root: string; env: NodeJS.ProcessEnv; stdio?: StdioOptions; execArgv?: string[] },
): ChildProcess {
  return spawn(process.execPath, [...(options.execArgv ?? []), SERVICE_ENTRIES[name]], {
    cwd: options.root,
    env: options.env,
    stdio: options.stdio ?? ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
}

/** Waits until `readyPath` answers 2xx on `port`; fails when the child exits first or after `timeoutMs`. */
export async function waitReady(
  name: string,
  port: string | number,
  child: ChildProcess,
  timeoutMs = 60_000,
  readyPath = '/ready',
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    const response = await fetch(localUrl(port, readyPath)).catch(() => null);
    if (response?.ok) return;
    await sleep(250);
  }
  throw new Error(`${name} was not ready on port ${port} within ${timeoutMs / 1000} s`);
}

/** SIGTERM to each child in reverse start order, SIGKILL after `graceMs`. */
export async function stopServices(children: readonly ChildProcess[], graceMs = 10_000): Promise<void> {
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
