import type { Logger } from '#kit/logger.ts';
import { detached } from '#kit/telemetry/trace-context.ts';

export interface JobLoop {
  /** Runs the job soon (e.g. right after an order is placed) instead of at the next poll. */
  kick(): void;
  /** Waits for the running pass, then stops; nothing is left half-done beyond what a crash would leave. */
  drain(): Promise<void>;
}

/**
 * A polling job loop over PostgreSQL: each pass claims due rows with
 * `FOR UPDATE SKIP LOCKED` or an advisory lock, so several processes share
 * the work and a crash only delays it until the claim's lease runs out.
 */
export function startJobLoop(
  name: string,
  everyMs: number,
  pass: () => Promise<boolean>,
  logger: Logger,
): JobLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  const run = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    clearTimeout(timer);
    running = (async () => {
      let more = true;
      // A pass that found a full batch runs again at once: under load the loop keeps up.
      while (more && !stopped) {
        again = false;
        more = await pass().catch((error: unknown) => {
          logger.error({ err: error, job: name }, 'job pass failed');
          return false;
        });
        more ||= again;
      }
    })().finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(run, everyMs);
    });
  };
  timer = setTimeout(run, 0);

  return {
    // Outside the kicking request's trace: a pass serves many orders (it links to each).
    kick: () => detached(run),
    drain: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
