import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

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

export const loadAverage = () => loadavg()[0]!.toFixed(1);
