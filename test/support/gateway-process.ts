import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '#kit/ferretdb.ts';
import { childPids, endings } from '#kit/testing/processes.ts';
import { baseEnv, type Env } from './stack.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The gateway as a real child process (`node gateway/src/index.ts`, as deployed), so a test can
 * signal it and its workers. Resolves once it logs that it serves (with GATEWAY_WORKERS > 1: once
 * every worker does).
 */
export async function spawnGateway(env: Env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['gateway/src/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...baseEnv(), LOG_LEVEL: 'info', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: { msg?: string; level?: number; [key: string]: unknown }[] = [];
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const lines = output.split('\n');
    output = lines.pop()!;
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as (typeof logs)[number]);
      } catch {
        logs.push({ msg: line });
      }
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const { exited, stop, kill } = endings(child);
  const serving = Number(env.GATEWAY_WORKERS ?? 1) > 1 ? 'workers serving' : 'gateway ready';
  for (const deadline = Date.now() + 30_000; !logs.some((entry) => entry.msg === serving);) {
    if (child.exitCode !== null) throw new Error(`the gateway exited during start-up: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the gateway did not start: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    base: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    /** Its JSON log lines so far. */
    logs,
    exited,
    /** The processes it runs now (its workers). */
    workers: () => childPids(child.pid!),
    stop,
    kill,
  };
}

export type GatewayProcess = Awaited<ReturnType<typeof spawnGateway>>;
