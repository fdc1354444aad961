import type { Logger } from '#kit/logger.ts';
import { schedulingPass, type SchedulingDeps } from '../order/order-scheduling.ts';
import { startJobLoop, type JobLoop } from './job-loop.ts';

/** Registers the scheduling loop (rules and SQL in order/order-scheduling.ts): polled, and kicked on placement. */
export function startSchedulingJob(deps: SchedulingDeps & { everyMs: number; logger: Logger }): JobLoop {
  const pass = schedulingPass(deps);
  const loop = startJobLoop('scheduling', deps.everyMs, pass, deps.logger);
  return {
    kick: loop.kick,
    drain: async () => {
      await loop.drain();
      await pass.settled();
    },
  };
}
