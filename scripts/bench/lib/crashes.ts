// Crashes on a schedule during a benchmark's load: `--crash=factory@15` SIGKILLs that service 15 s
// into the load and starts it again, so the guarantees (every order COMPLETE once, every outbox
// message delivered once) are checked under load rather than with a handful of orders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startFerretDb, type RunningFerretDb } from '#kit/ferretdb.ts';
import { sleep } from '#kit/sim-time.ts';

/** What may be killed: one of the services, or the MongoDB-wire server (`mongo`). */
export interface Crash {
  target: string;
  atSeconds: number;
}

export function parseCrashes(specs: readonly string[], targets: readonly string[]): Crash[] {
  return specs.map((spec) => {
    const match = /^([a-z]+)@(\d+(?:\.\d+)?)$/.exec(spec);
    if (!match || !targets.includes(match[1]!))
      throw new Error(`--crash=${spec}: expected <${targets.join('|')}>@<seconds into the load>`);
    return { target: match[1]!, atSeconds: Number(match[2]) };
  });
}

/**
 * Runs each crash at its time: `kill` stops the target at once (SIGKILL), `start` brings it back
 * (retried, e.g. while a factory's lease from the killed process has not expired yet). Resolves
 * with what happened once every crash has been recovered from.
 */
export function scheduleCrashes(
  crashes: readonly Crash[],
  actions: (target: string) => { kill(): Promise<void>; start(): Promise<void> },
): { done: Promise<string[]>; cancel(): void } {
  const timers: NodeJS.Timeout[] = [];
  const done = Promise.all(
    crashes.map(
      (crash) =>
        new Promise<string>((resolve) => {
          timers.push(
            setTimeout(async () => {
              const { kill, start } = actions(crash.target);
              await kill();
              const killedAt = performance.now();
              for (let attempt = 1; ; attempt++) {
                try {
                  await start();
                  break;
                } catch (error) {
                  if (attempt >= 60) {
                    resolve(`${crash.target}@${crash.atSeconds}: not back (${(error as Error).message})`);
                    return;
                  }
                  await sleep(1000);
                }
              }
              const back = ((performance.now() - killedAt) / 1000).toFixed(1);
              resolve(`${crash.target}@${crash.atSeconds}: back after ${back} s`);
            }, crash.atSeconds * 1000),
          );
        }),
    ),
  );
  return { done, cancel: () => timers.forEach(clearTimeout) };
}

/** A FerretDB on a fixed port and data directory, so it can be killed and started again. */
export async function restartableFerretDb(label: string, binary?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `ff-${label}-ferretdb-`));
  const port = await freePort();
  let running: RunningFerretDb = await startFerretDb({ dataDir, port, binary });
  return {
    url: running.url,
    /** The running server's pid (for its CPU time). */
    get pid() {
      return running.process.pid;
    },
    async kill() {
      const exited = new Promise((resolve) => running.process.once('exit', resolve));
      running.process.kill('SIGKILL');
      await exited;
    },
    async start() {
      running = await startFerretDb({ dataDir, port, binary });
    },
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
