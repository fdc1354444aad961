/**
 * What a measured stretch cost each process (Linux /proc): CPU time of the whole process (all its
 * threads, GC helpers included) and how long its main thread, the event loop, waited for a core
 * (run-queue delay: on a shared machine, time a request spends waiting that no code of ours can cut).
 * The bench's own CPU is `process.cpuUsage()`, to show the load generator is not the limit.
 */
import { readdir, readFile } from 'node:fs/promises';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** undefined once the process is gone (a database connection closed meanwhile). */
async function sample(pid: number) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return undefined;
  // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  const schedstat = await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => '');
  const waitMs = Number(schedstat.split(' ')[1]) / 1e6;
  return { cpuMs, waitMs };
}

/** Processes whose command line contains every one of `parts` (FerretDB by its port, PostgreSQL backends by database). */
export async function pidsWith(...parts: string[]): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const found = await Promise.all(
    pids.map(async (pid) => {
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
      return parts.every((part) => command.includes(part)) ? Number(pid) : undefined;
    }),
  );
  return found.filter((pid): pid is number => pid !== undefined && pid !== process.pid);
}

export interface Cost {
  cpuMs: number;
  waitMs: number;
}

const sampleAll = (pids: readonly number[]) => Promise.all(pids.map(sample));
type Samples = Awaited<ReturnType<typeof sampleAll>>;

/** Summed over the processes seen both times. */
const difference = (before: Samples, after: Samples): Cost => {
  const cost = { cpuMs: 0, waitMs: 0 };
  before.forEach((start, i) => {
    const end = after[i];
    if (!start || !end) return;
    cost.cpuMs += end.cpuMs - start.cpuMs;
    cost.waitMs += end.waitMs - start.waitMs;
  });
  return cost;
};

/**
 * Starts counting for `pids` (by name; a name may stand for several processes, counted together)
 * and the current process; `stop()` gives the differences.
 */
export async function meter(pids: Record<string, number | number[] | undefined>) {
  const names = Object.entries(pids)
    .filter((entry): entry is [string, number | number[]] => entry[1] !== undefined)
    .map(([name, pid]) => [name, Array.isArray(pid) ? pid : [pid]] as const);
  const before = await Promise.all(names.map(([, pid]) => sampleAll(pid)));
  const started = performance.now();
  const self = process.cpuUsage();
  return {
    async stop() {
      const selfUsed = process.cpuUsage(self);
      const wallMs = performance.now() - started;
      const after = await Promise.all(names.map(([, pid]) => sampleAll(pid)));
      const costs: Record<string, Cost> = {};
      names.forEach(([name], i) => {
        costs[name] = difference(before[i]!, after[i]!);
      });
      return { costs, wallMs, selfCpuMs: (selfUsed.user + selfUsed.system) / 1000 };
    },
  };
}
