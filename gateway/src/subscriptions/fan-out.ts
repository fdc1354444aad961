import { nextFrame } from './frames.ts';
import type { GroupClient } from './group-client.ts';

/**
 * Sockets written per turn of the event loop: between turns the gateway reads what came in (the
 * group's next event, an entity fetch's answer), so a burst's next event is resolved while this
 * one's frames go out, and joins them for every socket not yet written (one write for both).
 */
const SOCKETS_PER_TURN = 100;

/**
 * A group's frames on their way to its clients' sockets: each client's frames not yet written are
 * queued on it, in the order the events were delivered, and leave in one write (one syscall) per
 * socket. The first sockets are written at once; the rest in the following turns.
 */
export function createFanOut() {
  const queued = new Set<GroupClient>(); // in the order they were queued
  let flushing = false;
  let waiting: (() => void)[] = [];

  const flush = () => {
    let written = 0;
    for (const client of queued) {
      queued.delete(client);
      const opens = client.pending!;
      client.pending = undefined;
      if (opens.length === 1) client.sink.send(nextFrame(client.ends, opens[0]!));
      else client.sink.sendAll(opens.map((open) => nextFrame(client.ends, open)));
      if (++written === SOCKETS_PER_TURN) break;
    }
    if (queued.size > 0) return void setImmediate(flush);
    flushing = false;
    const drained = waiting;
    waiting = [];
    for (const resolve of drained) resolve();
  };

  return {
    /** Queues the events' payloads (encoded once, without their closing brace) for these clients. */
    write(opens: readonly string[], clients: Iterable<GroupClient>) {
      for (const client of clients) {
        if (client.pending) client.pending.push(...opens);
        else {
          client.pending = [...opens];
          queued.add(client);
        }
      }
      if (!flushing && queued.size > 0) {
        flushing = true;
        flush();
      }
    },
    /** A client that left gets nothing more. */
    drop(client: GroupClient) {
      queued.delete(client);
      client.pending = undefined;
    },
    /** Resolves once every queued frame is written (before a group's clients are told it ended). */
    drained(): Promise<void> {
      return queued.size === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve));
    },
  };
}
