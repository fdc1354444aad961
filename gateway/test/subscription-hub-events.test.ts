/**
 * The hub with no network: events are fed straight into the upstream subscriptions it opens (a
 * stand-in for the graphql-ws client of upstream-pool.ts), the customers entity fetch is a data
 * source that counts its calls and who made them, and each client's socket is a list of frames.
 * What is asserted: grouping by identity, one resolution and one serialisation per event and group,
 * order and no loss, and what ends a group.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionResult } from 'graphql';
import type { Sink, SubscribePayload } from 'graphql-ws';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { GatewayContext } from '../src/context.ts';
import { logger, PER_IDENTITY, sleep, until, view, WATCH } from './hub-fixtures.ts';
import { encodeResult, frameBody, type FrameSink } from '../src/subscriptions/frames.ts';
import { createSubscriptionHub } from '../src/subscriptions/hub.ts';
import type { UpstreamPool } from '../src/subscriptions/upstream-pool.ts';

/** The subscriptions the hub opened upstream, each with the sink graphql-ws would feed. */
type Upstream = { key: string; payload: SubscribePayload; sink: Sink; closed: boolean };

function standInPool() {
  const upstreams: Upstream[] = [];
  const leases = new Map<string, number>();
  const pool: UpstreamPool = {
    acquire(key) {
      leases.set(key, (leases.get(key) ?? 0) + 1);
      let released = false;
      return {
        client: {
          subscribe: (payload: SubscribePayload, sink: Sink) => {
            const upstream: Upstream = { key, payload, sink: sink as Sink, closed: false };
            upstreams.push(upstream);
            return () => (upstream.closed = true);
          },
        },
        connected: () => true,
        release: () => {
          if (released) return;
          released = true;
          const left = leases.get(key)! - 1;
          if (left) leases.set(key, left);
          else leases.delete(key);
        },
      };
    },
    get size() {
      return leases.size;
    },
  };
  return { pool, upstreams, leases };
}

const event = (number: string, status: string, customer = 'C-1') => ({
  data: { orderUpdated: { number, status, customer: { __typename: 'Customer', id: customer } } },
});

const contextOf = (sub: string, role: 'viewer' | 'admin' = 'viewer'): GatewayContext => ({
  identity: { sub, role, expiresAt: Math.floor(Date.now() / 1000) + 600 },
  requestId: `req-${sub}-${Math.random().toString(36).slice(2)}`,
});

type Frame = {
  id: string;
  type: string;
  payload: { data: { orderUpdated: Record<string, unknown> } | null; errors?: { message: string }[] } & {
    extensions: { requestId: string };
  };
};

const text = (frame: Buffer) => String(frameBody(frame));

/** A client's socket: the frames written to it, raw and parsed, and how many writes brought them. */
const socket = (id = '1') => {
  const raw: string[] = [];
  const writes: number[] = [];
  const sink: FrameSink = {
    id,
    send: (frame) => writes.push(raw.push(text(frame)) && 1),
    sendAll: (frames) => writes.push(raw.push(...frames.map(text)) && frames.length),
  };
  return { sink, raw, writes, frames: () => raw.map((frame) => JSON.parse(frame) as Frame) };
};

function setUp(delayOf: (id: string) => number = () => 0) {
  const { pool, upstreams, leases } = standInPool();
  const fetches: { subs: string[]; ids: string[] }[] = [];
  const customers: GraphQLDataSource = {
    process: async ({ request, context }) => {
      const representations = request.variables!.representations as { id: string }[];
      fetches.push({
        subs: [(context as GatewayContext).identity.sub],
        ids: representations.map((r) => r.id),
      });
      await sleep(delayOf(representations[0]!.id));
      return { data: { _entities: representations.map((r) => ({ name: `Name of ${r.id}` })) } };
    },
  };
  const counts = { resolutions: 0, encodes: 0 };
  const hub = createSubscriptionHub({
    view: () => view,
    dataSources: () => ({ customers }),
    subgraphUrl: () => 'ws://orders.invalid/graphql',
    pool,
    encode: (result: ExecutionResult) => {
      counts.encodes++;
      return encodeResult(result);
    },
    observeEvent: (_name, resolve) => {
      counts.resolutions++;
      return resolve();
    },
    logger,
  });
  const subscribe = (
    context: GatewayContext,
    variables: Record<string, unknown> = {},
    id = '1',
    document = WATCH,
  ) => {
    const client = socket(id);
    const iterator = hub.subscribe({ document, variables, context }, client.sink);
    return { ...client, iterator, context };
  };
  return { hub, upstreams, leases, fetches, counts, subscribe };
}

describe('subscription hub, events fed in', () => {
  it('groups by identity where a selected field is not declared identity-free: another user or role never shares', async () => {
    const { hub, upstreams, fetches, subscribe } = setUp();
    const watch = (sub: string, role?: 'admin') => subscribe(contextOf(sub, role), {}, '1', PER_IDENTITY);
    const ada = [watch('ada'), watch('ada'), watch('ada')];
    const bob = [watch('bob'), watch('bob')];
    const adaAdmin = watch('ada', 'admin');
    expect(upstreams).toHaveLength(3);
    expect(new Set(upstreams.map((upstream) => upstream.key)).size).toBe(3);
    expect(hub.stats()).toEqual({ upstreams: 3, connected: 3, clients: 6, sockets: 3 });

    // Each group gets its own event (the subgraph sends each subscription its own copy).
    for (const upstream of upstreams) upstream.sink.next(event('O-1', 'VERIFIED'));
    await until(() => [...ada, ...bob, adaAdmin].every((client) => client.raw.length === 1));
    // One entity fetch per group, each made as that group's identity.
    expect(fetches.map((fetch) => fetch.subs[0]).sort()).toEqual(['ada', 'ada', 'bob']);
    for (const client of [...ada, ...bob, adaAdmin]) {
      const [frame] = client.frames();
      expect(frame!.payload.data!.orderUpdated).toEqual({
        number: 'O-1',
        status: 'VERIFIED',
        customer: { name: 'Name of C-1', phone: null },
      });
      expect(frame!.payload.extensions.requestId).toBe(client.context.requestId);
    }
  });

  it('shares a group across users of one role where every selected field is declared identity-free, never across roles', async () => {
    const { hub, upstreams, fetches, counts, subscribe } = setUp();
    const viewers = ['ada', 'bob', 'cy'].flatMap((sub) => [
      subscribe(contextOf(sub)),
      subscribe(contextOf(sub)),
    ]);
    const admin = subscribe(contextOf('ada', 'admin'));
    expect(upstreams).toHaveLength(2); // one per role
    expect(hub.stats()).toEqual({ upstreams: 2, connected: 2, clients: 7, sockets: 2 });
    for (const upstream of upstreams) upstream.sink.next(event('O-1', 'VERIFIED'));
    await until(() => [...viewers, admin].every((client) => client.raw.length === 1));
    // One resolution, one entity fetch and one serialisation per role, not per user.
    expect(counts).toEqual({ resolutions: 2, encodes: 2 });
    expect(fetches).toHaveLength(2);
    expect(fetches.map((fetch) => fetch.subs[0])).toContain('ada');
    for (const client of [...viewers, admin]) {
      const [frame] = client.frames();
      expect(frame!.payload.data!.orderUpdated).toEqual({
        number: 'O-1',
        status: 'VERIFIED',
        customer: { name: 'Name of C-1' },
      });
      expect(frame!.payload.extensions.requestId).toBe(client.context.requestId);
    }
  });

  it('gives one identity’s variable sets a group each, on one shared lease', () => {
    const { upstreams, leases, subscribe } = setUp();
    subscribe(contextOf('ada'), { n: 'O-1' });
    subscribe(contextOf('ada'), { n: 'O-2' });
    subscribe(contextOf('ada'), { n: 'O-1' });
    expect(upstreams.map((upstream) => upstream.payload.variables)).toEqual([{ n: 'O-1' }, { n: 'O-2' }]);
    expect([...leases.values()]).toEqual([2]);
  });

  it('resolves and serialises each event once per group and writes that payload to every client', async () => {
    const { upstreams, fetches, counts, subscribe } = setUp();
    const clients = Array.from({ length: 50 }, (_, i) => subscribe(contextOf('ada'), {}, String(i)));
    expect(upstreams).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      upstreams[0]!.sink.next(event(`O-${i}`, 'VERIFIED', `C-${i}`));
      await until(() => clients.every((client) => client.raw.length === i + 1));
    }
    expect(counts).toEqual({ resolutions: 20, encodes: 20 });
    expect(fetches).toHaveLength(20);
    // Byte for byte the same payload for every client; only the id and request id are its own.
    const payloadOf = (frame: string) =>
      frame.slice(frame.indexOf('"payload":'), frame.lastIndexOf(',"extensions"'));
    for (let i = 0; i < 20; i++)
      expect(new Set(clients.map((client) => payloadOf(client.raw[i]!))).size).toBe(1);
    for (const [i, client] of clients.entries())
      expect(client.frames().every((frame) => frame.id === String(i) && frame.type === 'next')).toBe(true);
  });

  it('resolves the events read together as one batch: one entity fetch, each entity once, one write per client', async () => {
    const { upstreams, fetches, counts, subscribe } = setUp();
    const clients = [subscribe(contextOf('ada'), {}, 'a'), subscribe(contextOf('ada'), {}, 'b')];
    const customers = ['C-0', 'C-1', 'C-2', 'C-3', 'C-2', 'C-4'];
    // In one turn, as when one socket read carries several events.
    for (const [i, customer] of customers.entries())
      upstreams[0]!.sink.next(event(`O-${i}`, 'VERIFIED', customer));
    await until(() => clients.every((client) => client.raw.length === 6));
    expect(fetches).toEqual([{ subs: ['ada'], ids: ['C-0', 'C-1', 'C-2', 'C-3', 'C-4'] }]);
    expect(counts).toEqual({ resolutions: 6, encodes: 6 });
    for (const client of clients) {
      expect(client.writes).toEqual([6]);
      expect(client.frames().map((frame) => frame.payload.data!.orderUpdated)).toEqual(
        customers.map((customer, i) => ({
          number: `O-${i}`,
          status: 'VERIFIED',
          customer: { name: `Name of ${customer}` },
        })),
      );
    }
  });

  it('does not hold an event back for a slow one before it: its fetch starts at once, its frame follows', async () => {
    const { upstreams, fetches, subscribe } = setUp((id) => (id === 'C-slow' ? 100 : 0));
    const client = subscribe(contextOf('ada'));
    upstreams[0]!.sink.next(event('O-1', 'VERIFIED', 'C-slow'));
    await sleep(10);
    upstreams[0]!.sink.next(event('O-2', 'VERIFIED', 'C-fast'));
    await sleep(10);
    // Both fetches are out while the first is still on its way; neither frame is written yet.
    expect(fetches.map((fetch) => fetch.ids)).toEqual([['C-slow'], ['C-fast']]);
    expect(client.raw).toHaveLength(0);
    await until(() => client.raw.length === 2);
    expect(client.frames().map((frame) => frame.payload.data!.orderUpdated.number)).toEqual(['O-1', 'O-2']);
  });

  it('delivers every event in the subgraph’s order, to every client, when resolutions finish out of order', async () => {
    // Event i's entity fetch takes a pseudo-random 0–15 ms, so later events often resolve first.
    const { upstreams, subscribe } = setUp((id) => (Number(id.slice(2)) * 7919) % 16);
    const clients = [subscribe(contextOf('ada')), subscribe(contextOf('ada')), subscribe(contextOf('bob'))];
    const numbers = Array.from({ length: 100 }, (_, i) => `O-${i}`);
    for (const [i, number] of numbers.entries())
      for (const upstream of upstreams) upstream.sink.next(event(number, 'VERIFIED', `C-${i}`));
    await until(() => clients.every((client) => client.raw.length === 100));
    for (const client of clients) {
      const frames = client.frames();
      expect(frames.map((frame) => frame.payload.data!.orderUpdated.number)).toEqual(numbers);
      expect(frames.map((frame) => frame.payload.data!.orderUpdated.customer)).toEqual(
        numbers.map((_, i) => ({ name: `Name of C-${i}` })),
      );
    }
  });

  it('stops a leaving client’s frames at once; the last one closes the upstream subscription and its lease', async () => {
    const { hub, upstreams, leases, subscribe } = setUp();
    const first = subscribe(contextOf('ada'));
    const second = subscribe(contextOf('ada'));
    const pending = first.iterator.next();
    await first.iterator.return!();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    upstreams[0]!.sink.next(event('O-1', 'VERIFIED'));
    await until(() => second.raw.length === 1);
    expect(first.raw).toHaveLength(0);
    expect(upstreams[0]!.closed).toBe(false);
    await second.iterator.return!();
    expect(upstreams[0]!.closed).toBe(true);
    expect(leases.size).toBe(0);
    expect(hub.stats()).toEqual({ upstreams: 0, connected: 0, clients: 0, sockets: 0 });
  });

  it('sends an upstream failure to every client of the group as UPSTREAM_ERROR, after the events before it, and ends them', async () => {
    const { hub, upstreams, subscribe } = setUp();
    const clients = [subscribe(contextOf('ada')), subscribe(contextOf('ada'))];
    const pending = clients.map((client) => client.iterator.next());
    upstreams[0]!.sink.next(event('O-1', 'VERIFIED'));
    upstreams[0]!.sink.error(new Error('orders went away'));
    for (const next of pending) await expect(next).resolves.toEqual({ done: true, value: undefined });
    for (const client of clients) {
      const frames = client.frames();
      expect(frames.map((frame) => frame.payload.data?.orderUpdated.status ?? null)).toEqual([
        'VERIFIED',
        null,
      ]);
      expect(frames[1]!.payload.errors).toEqual([
        expect.objectContaining({ message: 'orders went away', extensions: { code: 'UPSTREAM_ERROR' } }),
      ]);
    }
    expect(upstreams[0]!.closed).toBe(true);
    expect(hub.stats().upstreams).toBe(0);
    // A client arriving afterwards starts a fresh group.
    subscribe(contextOf('ada'));
    expect(upstreams).toHaveLength(2);
  });
});
