/** The benchmark's side of scripts/bench/gateway/subscribers.ts: one child process of N subscribers. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childPids } from '#kit/testing/processes.ts';

const subscriberScript = fileURLToPath(new URL('./subscribers.ts', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Report = {
  latencies: number[];
  received: number;
  misordered: number;
  perClient: number[];
  /** `number/status` → when each of this process's clients got that event (ms since the epoch). */
  arrivals: Record<string, number[]>;
  /** `number/status` → its commit time (the status's history time, ms since the epoch). */
  committed: Record<string, number>;
  /** CPU this subscriber process has used so far (ms). */
  cpuMs: number;
};

export interface Subscribers {
  child: ChildProcess;
  connected: Promise<{ accepted: number; refused: number }>;
  report(): Promise<Report>;
  /** Drops what the subscribers received so far (the warm-up's events). */
  forget(): Promise<void>;
  stop(): Promise<void>;
}

export function startSubscribers(
  url: string,
  count: number,
  tokens: string[],
  query: string,
  param: 'authorization' | 'identity' = 'authorization',
): Subscribers {
  const child = fork(subscriberScript, [], {
    env: {
      ...process.env,
      SUBSCRIBE_URL: url.replace(/^http/, 'ws'),
      SUBSCRIBERS: String(count),
      TOKENS: JSON.stringify(tokens),
      QUERY: query,
      CONNECTION_PARAM: param,
    },
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`subscriber process exited (${code})`));
      const onMessage = (message: { type: string }) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as T);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  return {
    child,
    connected: next('connected'),
    report: () => {
      const report = next<Report>('report');
      child.send({ type: 'report' });
      return report;
    },
    forget: async () => {
      const forgotten = next('forgotten');
      child.send({ type: 'forget' });
      await forgotten;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    },
  };
}

/** CPU time a process has used so far (ms; Linux /proc, user + system), or NaN. */
export async function cpuMs(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
}

/** CPU time of a process and the processes it started (a cluster primary and its workers), in ms. */
export async function treeCpuMs(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const each = await Promise.all([pid, ...childPids(pid)].map(cpuMs));
  return each.reduce((sum, ms) => sum + ms, 0);
}
