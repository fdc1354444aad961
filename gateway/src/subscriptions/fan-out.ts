import { nextFrame, type FrameEnds, type FrameSink } from './frames.ts';

/** What the fan-out needs of a client: its socket, its own frame ends, and how far it has been sent. */
export interface FanOutClient {
  readonly sink: FrameSink;
  readonly ends: FrameEnds;
  /** The sequence number of the next event this client has not been sent. */
  delivered: number;
}

/** Clients written between two turns of the event loop. */
const SLICE = 128;

/**
 * Writes a group's events to its clients' sockets, a slice of clients per turn of the event loop.
 * Writing 1,000 sockets takes the gateway 10–15 ms; in one turn, the next event's upstream message
 * would wait all of it before being read, and only then be resolved. Here it is read and resolved
 * meanwhile, and the clients the pass has not reached yet get both events in one write (one
 * syscall); the pass then goes round again for the clients it had already passed. Every client
 * gets every event once, in order; a client that joins gets the events pushed after it.
 */
export class FanOut<C extends FanOutClient> {
  readonly #clients: Set<C>;
  /** Encoded payloads (openPayload) of the events not yet written to every client. */
  #log: Buffer[] = [];
  /** The sequence number of #log[0]. */
  #base = 0;
  #running = false;
  #drained: (() => void)[] = [];

  readonly #failed: (error: unknown) => void;

  /** `failed`: a write threw (it is logged; the other clients are still written). */
  constructor(clients: Set<C>, failed: (error: unknown) => void) {
    this.#clients = clients;
    this.#failed = failed;
  }

  /** The sequence number the next event will have: where a new client starts. */
  get head() {
    return this.#base + this.#log.length;
  }

  /** Queues events (in order) for every client and starts writing them at once. */
  push(opens: readonly Buffer[]) {
    this.#log.push(...opens);
    if (!this.#running) this.#pass();
  }

  /** Resolves once every event pushed so far is written to every client (before the group ends). */
  drained(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  #pass() {
    this.#running = true;
    const target = this.head;
    const clients = this.#clients.values();
    const step = () => {
      for (let written = 0; written < SLICE;) {
        const { value: client, done } = clients.next();
        if (done) return this.#passed(target);
        if (this.#write(client)) written++;
      }
      setImmediate(step);
    };
    step();
  }

  /** A pass is over: go round again if events came during it, else free the log. */
  #passed(target: number) {
    if (this.head > target) return void setImmediate(() => this.#pass());
    this.#base = this.head;
    this.#log = [];
    this.#running = false;
    for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** Whatever this client has not been sent, in one write; false if it had everything. */
  #write(client: C): boolean {
    const head = this.head;
    const from = client.delivered;
    if (from >= head) return false;
    client.delivered = head;
    try {
      if (head - from === 1) client.sink.send(nextFrame(client.ends, this.#log[from - this.#base]!));
      else
        client.sink.sendAll(this.#log.slice(from - this.#base).map((open) => nextFrame(client.ends, open)));
    } catch (error) {
      this.#failed(error);
    }
    return true;
  }
}
