/**
 * Hive Gateway for the benchmarks (the server itself: hive-gateway-server.ts). With HIVE_FORK=N
 * (N > 1) this process forks N workers that each run it on the same port, as Hive's CLI does for
 * `--fork N` (its handleFork: node:cluster workers, none replaced, each sent the signal that stops
 * the primary).
 */
import cluster, { type Worker } from 'node:cluster';

const forks = Number(process.env.HIVE_FORK ?? 1);
if (cluster.isPrimary && forks > 1) {
  const workers = new Set<Worker>();
  let stopping = false;
  for (let i = 0; i < forks; i++) {
    const worker = cluster.fork();
    workers.add(worker);
    worker.once('exit', () => {
      workers.delete(worker);
      if (workers.size === 0) process.exit(stopping ? 0 : 1);
    });
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      stopping = true;
      for (const worker of workers) worker.kill(signal);
    });
} else {
  await import('./hive-gateway-server.ts');
}
