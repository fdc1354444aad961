import type { ExecutionResult } from 'graphql';
import type { GatewayContext } from '../context.ts';
import type { FrameEnds, FrameSink } from './frames.ts';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * One client of a group, as the iterator graphql-ws runs: it yields nothing (the hub writes the
 * client's frames to its socket itself) and ends when the group does; return() is the client
 * leaving, at once even while a next() is pending. A class, not closures: 20,000 idle clients
 * each hold only these fields.
 */
export class GroupClient implements AsyncIterableIterator<ExecutionResult> {
  #pending: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  #done = false;

  readonly sink: FrameSink;
  readonly context: GatewayContext;
  readonly ends: FrameEnds;
  readonly #leave: (client: GroupClient) => void;

  constructor(
    sink: FrameSink,
    context: GatewayContext,
    ends: FrameEnds,
    leave: (client: GroupClient) => void,
  ) {
    this.sink = sink;
    this.context = context;
    this.ends = ends;
    this.#leave = leave;
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.#done) return Promise.resolve(DONE);
    return new Promise((resolve) => (this.#pending = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.#done) {
      this.end();
      this.#leave(this);
    }
    return Promise.resolve(DONE);
  }

  /** The group ended: graphql-ws then sends `complete`. */
  end() {
    this.#done = true;
    this.#pending?.(DONE);
    this.#pending = undefined;
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
