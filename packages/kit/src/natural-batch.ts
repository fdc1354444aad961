import { detached } from './telemetry/trace-context.ts';

/** Runs a whole batch of inputs; returns one output per input, in the same order. */
export type BatchRun<In, Out> = (inputs: In[]) => Promise<Out[]>;

/**
 * Natural batching, as a group commit does it: a call that finds no batch
 * running starts one at the end of the current tick, with the calls of that
 * tick (as DataLoader does; no timer, so a lone call waits for nothing);
 * calls that arrive while a batch runs wait and go together in the next
 * one, up to `maxBatch` (inputs, or the sum of `sizeOf` when an input is
 * itself many: a batch then takes at least one whole input). Under load a
 * batch carries what arrived during the last one, so its fixed cost (a round
 * trip, a commit) is shared. Every call of a batch started after the call was
 * made, so it sees whatever was committed before. A batch that throws
 * rejects each of its calls.
 */
export function naturalBatch<In, Out>(
  run: BatchRun<In, Out>,
  options: { maxBatch: number; sizeOf?: (input: In) => number },
): (input: In) => Promise<Out> {
  let waiting: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  let running = false;
  const { maxBatch, sizeOf } = options;

  /** How many of the oldest waiting calls the next batch takes. */
  const nextCount = () => {
    if (!sizeOf) return Math.min(maxBatch, waiting.length);
    let size = 0;
    let taken = 0;
    while (taken < waiting.length) {
      size += sizeOf(waiting[taken]!.input);
      if (taken > 0 && size > maxBatch) break;
      taken++;
    }
    return taken;
  };

  const drain = async () => {
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, nextCount());
        waiting = waiting.slice(batch.length);
        try {
          // Outside any one caller's trace: the batch is every caller's.
          const outputs = await detached(() => run(batch.map((call) => call.input)));
          if (outputs.length !== batch.length) {
            throw new Error(`a batch of ${batch.length} returned ${outputs.length} outputs`);
          }
          batch.forEach((call, index) => call.resolve(outputs[index]!));
        } catch (error) {
          for (const call of batch) call.reject(error);
        }
      }
    } finally {
      running = false;
    }
  };

  return (input) =>
    new Promise<Out>((resolve, reject) => {
      waiting.push({ input, resolve, reject });
      if (running) return;
      running = true;
      // After the promise jobs of this tick, as DataLoader dispatches: the tick's other calls join.
      void Promise.resolve().then(() => process.nextTick(() => void drain()));
    });
}
