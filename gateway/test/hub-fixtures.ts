import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createLogger } from '#kit/logger.ts';
import { buildSupergraphView } from '../src/subscriptions/planner.ts';

/** What the hub's unit tests share: our supergraph, subscriptions over two subgraphs, a quiet logger. */
export const view = buildSupergraphView(
  readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
);
/** Every field it selects is declared @identityFree: shared by the subscribers of one role. */
export const WATCH = parse(
  'subscription ($n: String) { orderUpdated(number: $n) { number status customer { name } } }',
);
/** The same with a field not so declared (Customer.phone): a group per identity. */
export const PER_IDENTITY = parse(
  'subscription ($n: String) { orderUpdated(number: $n) { number status customer { name phone } } }',
);
export const logger = createLogger('test', 'silent');
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (in short steps, up to 5 s) until `check` holds: the hub's work is a few microtasks away. */
export async function until(check: () => boolean) {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5000) throw new Error('timed out');
    await sleep(5);
  }
}
