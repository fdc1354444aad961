/** The hub's fan-out on its own: frames queued per client, written a share of sockets per turn. */
import { describe, expect, it } from 'vitest';
import type { GatewayContext } from '../src/context.ts';
import { createFanOut } from '../src/subscriptions/fan-out.ts';
import { frameEnds, openPayload } from '../src/subscriptions/frames.ts';
import { GroupClient } from '../src/subscriptions/group-client.ts';

const context = { identity: { sub: 'ada', role: 'viewer', expiresAt: 0 }, requestId: 'r' } as GatewayContext;
const clientsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => {
    const writes: string[][] = [];
    const sink = {
      id: String(i),
      send: (f: string) => writes.push([f]),
      sendAll: (f: readonly string[]) => writes.push([...f]),
    };
    return { client: new GroupClient(sink, context, frameEnds(String(i), 'r'), () => {}), writes };
  });
const open = (n: number) => openPayload(JSON.stringify({ data: { n } }));
const numbers = (writes: string[][]) =>
  writes.map((write) => write.map((frame) => JSON.parse(frame).payload.data.n));

describe('subscription fan-out', () => {
  it('writes the first sockets at once, the rest in later turns, and joins a later event to sockets not yet written', async () => {
    const fanOut = createFanOut();
    const all = clientsOf(250);
    fanOut.write(
      [open(1)],
      all.map(({ client }) => client),
    );
    expect(all.filter(({ writes }) => writes.length > 0)).toHaveLength(100);
    fanOut.write(
      [open(2)],
      all.map(({ client }) => client),
    ); // resolved while the first is going out
    await fanOut.drained();
    for (const [i, { writes }] of all.entries())
      expect(numbers(writes)).toEqual(i < 100 ? [[1], [2]] : [[1, 2]]);
  });

  it('writes nothing more to a client that left, and is drained at once when nothing is queued', async () => {
    const fanOut = createFanOut();
    const all = clientsOf(150);
    fanOut.write(
      [open(1)],
      all.map(({ client }) => client),
    );
    fanOut.drop(all[149]!.client);
    await fanOut.drained();
    expect(all[149]!.writes).toEqual([]);
    expect(all[148]!.writes).toHaveLength(1);
    await fanOut.drained();
  });
});
