/**
 * Loaded into a gateway under test with `node --import` (LOOP_STATS_FILE set): on SIGUSR2 it writes
 * the event-loop delay and the GC pauses seen since the previous SIGUSR2 to LOOP_STATS_FILE, so a
 * benchmark can tell a stall inside the process (GC, long synchronous work) from waiting for a core.
 * A process running workers is read with them (services.ts: the worst loop, the pauses of all).
 */
import cluster from 'node:cluster';
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

// A cluster worker (GATEWAY_WORKERS, Hive's fork) writes beside its primary's file, by its pid.
const file =
  process.env.LOOP_STATS_FILE && `${process.env.LOOP_STATS_FILE}${cluster.isWorker ? `.${process.pid}` : ''}`;
if (file) {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let pauses: { kind: number; ms: number }[] = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
      pauses.push({ kind: entry.detail?.kind ?? 0, ms: entry.duration });
    }
  }).observe({ entryTypes: ['gc'] });
  // Node's gc kinds: 1 scavenge (young), 2 mark-sweep-compact (old), 4 incremental marking, 8 weak callbacks.
  const byKind = (kind: number) => {
    const of = pauses.filter((pause) => pause.kind === kind);
    return {
      count: of.length,
      totalMs: of.reduce((sum, pause) => sum + pause.ms, 0),
      maxMs: Math.max(0, ...of.map((pause) => pause.ms)),
    };
  };
  process.on('SIGUSR2', () => {
    const stats = {
      loopDelayMs: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
      gc: { scavenge: byKind(1), markSweep: byKind(2), incremental: byKind(4) },
    };
    writeFileSync(`${file}.tmp`, JSON.stringify(stats));
    renameSync(`${file}.tmp`, file);
    delay.reset();
    pauses = [];
  });
}
