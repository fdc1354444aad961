/**
 * The fan-out alone: clients whose sockets are lists of frames. What is asserted: every client gets
 * every event once and in order, an event pushed while a pass is under way reaches the clients not
 * yet written in the same write as the one before, a client that joins gets only later events,
 * drained() waits for the last write, and one failing socket does not stop the others.
 */
import { describe, expect, it } from 'vitest';
import { FanOut, type FanOutClient } from '../src/subscriptions/fan-out.ts';
import { frameBody, frameEnds, openPayload, type FrameSink } from '../src/subscriptions/frames.ts';

type Client = FanOutClient & { messages: string[]; writes: number[] };

const client = (id: string, fail = false): Client => {
  const messages: string[] = [];
  const writes: number[] = [];
  const read = (frame: Buffer) => {
    const message = JSON.parse(String(frameBody(frame))) as { payload: { data: { n: number } } };
    return String(message.payload.data.n);
  };
  const sink: FrameSink = {
    id,
    send: (frame) => {
      if (fail) throw new Error('socket gone');
      messages.push(read(frame));
      writes.push(1);
    },
    sendAll: (frames) => {
      if (fail) throw new Error('socket gone');
      messages.push(...frames.map(read));
      writes.push(frames.length);
    },
  };
  return { sink, ends: frameEnds(id, `req-${id}`), delivered: 0, messages, writes };
};

const event = (n: number) => openPayload(JSON.stringify({ data: { n } }));
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('the fan-out of a group', () => {
  it('writes every event to every client once, in order, over several turns', async () => {
    const clients = new Set(Array.from({ length: 300 }, (_, i) => client(String(i))));
    const fanOut = new FanOut(clients, () => {});
    fanOut.push([event(1)]);
    // A slice per turn: after the first, not every client has it yet.
    expect([...clients].filter((c) => c.messages.length === 1).length).toBeLessThan(300);
    fanOut.push([event(2), event(3)]);
    await fanOut.drained();
    for (const c of clients) expect(c.messages).toEqual(['1', '2', '3']);
  });

  it('gives the clients a pass has not reached an event pushed meanwhile in the same write', async () => {
    const clients = new Set(Array.from({ length: 300 }, (_, i) => client(String(i))));
    const fanOut = new FanOut(clients, () => {});
    fanOut.push([event(1)]);
    fanOut.push([event(2)]); // before the pass's second slice
    await fanOut.drained();
    const [first, ...rest] = [...clients];
    expect(first!.writes).toEqual([1, 1]); // written in the first slice, then again for event 2
    expect(rest.at(-1)!.writes).toEqual([2]); // both events in one write
    for (const c of clients) expect(c.messages).toEqual(['1', '2']);
  });

  it('sends a client that joins only the events pushed after it joined', async () => {
    const clients = new Set<Client>([client('a')]);
    const fanOut = new FanOut(clients, () => {});
    fanOut.push([event(1)]);
    const late = client('late');
    late.delivered = fanOut.head;
    clients.add(late);
    fanOut.push([event(2)]);
    await fanOut.drained();
    expect([...clients][0]!.messages).toEqual(['1', '2']);
    expect(late.messages).toEqual(['2']);
  });

  it('resolves drained() only once the last client is written', async () => {
    const clients = new Set(Array.from({ length: 1000 }, (_, i) => client(String(i))));
    const fanOut = new FanOut(clients, () => {});
    expect(await Promise.race([fanOut.drained().then(() => 'idle'), turn().then(() => 'waiting')])).toBe(
      'idle',
    );
    fanOut.push([event(1)]);
    let drained = false;
    const done = fanOut.drained().then(() => (drained = true));
    await turn();
    expect(drained).toBe(false);
    await done;
    expect([...clients].every((c) => c.messages.length === 1)).toBe(true);
  });

  it('goes on past a socket whose write throws, and reports it', async () => {
    const failures: unknown[] = [];
    const clients = new Set([client('a'), client('broken', true), client('c')]);
    const fanOut = new FanOut(clients, (error) => failures.push(error));
    fanOut.push([event(1)]);
    await fanOut.drained();
    expect(failures).toHaveLength(1);
    expect([...clients].map((c) => c.messages.length)).toEqual([1, 0, 1]);
  });
});
