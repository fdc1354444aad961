import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

/** The p-quantile (0..1) of `values` by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/** CPU time (user + system, ms) each process has used so far, from /proc (Linux). */
export function cpuMsOf(pids: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => {
      try {
        // Fields after the parenthesised command: utime and stime are the 12th and 13th.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return [name, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100];
      } catch {
        return [name, NaN];
      }
    }),
  );
}

/**
 * CPU ms used so far by each PostgreSQL backend now serving `database`, by pid (the server on this
 * machine: its processes are read from /proc; NaN when it is elsewhere).
 */
export async function backendCpuMs(adminUrl: string, database: string): Promise<Map<number, number>> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    const pids = Object.fromEntries(rows.map((row) => [String(row.pid), row.pid]));
    return new Map(Object.entries(cpuMsOf(pids)).map(([pid, ms]) => [Number(pid), ms]));
  } finally {
    await client.end();
  }
}

/** CPU ms the backends used between two readings (one that started meanwhile counts whole). */
export const backendCpuBetween = (before: Map<number, number>, after: Map<number, number>) =>
  [...after].reduce((sum, [pid, ms]) => sum + (ms - (before.get(pid) ?? 0)), 0);

export const loadAverage = () => loadavg()[0]!.toFixed(1);
