/**
 * The hub on its own: a real graphql-ws server on loopback stands for the orders subgraph (a tiny
 * schema with orderUpdated), the customers entity fetch is a data source counting its calls.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { GatewayContext } from '../src/context.ts';
import { logger, PER_IDENTITY, sleep, until, view, WATCH } from './hub-fixtures.ts';
import { createSubscriptionHub, type SubscriptionHub } from '../src/subscriptions/hub.ts';
import { createUpstreamPool } from '../src/subscriptions/upstream-pool.ts';
import { frameBody, type FrameSink } from '../src/subscriptions/frames.ts';

type Event = { number: string; status: string; customer: { id: string } };

/** The stand-in orders subgraph: who connected, what was subscribed, and a way to publish. */
async function startUpstream() {
  const schema: GraphQLSchema = buildSchema(`
    type Query { ok: Boolean }
    type Customer { id: ID! }
    type Order { number: String! status: String! customer: Customer! }
    type Subscription { orderUpdated(number: String): Order }
  `);
  const subscribers = new Set<{ number: string | null; push: (event: Event) => void }>();
  const field = schema.getSubscriptionType()!.getFields().orderUpdated!;
  field.subscribe = (_root, { number }: { number?: string | null }) => {
    const queue: Event[] = [];
    let wake: (() => void) | undefined;
    const entry = {
      number: number ?? null,
      push: (event: Event) => {
        queue.push(event);
        wake?.();
      },
    };
    subscribers.add(entry);
    return (async function* () {
      try {
        for (;;) {
          while (queue.length) yield { orderUpdated: queue.shift() };
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        subscribers.delete(entry);
      }
    })();
  };
  const connections: Record<string, unknown>[] = [];
  const httpServer: Server = createServer();
  const wss = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const server = useServer(
    {
      schema,
      onConnect: (ctx) => {
        connections.push(ctx.connectionParams ?? {});
        return true;
      },
    },
    wss,
  );
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    connections,
    subscribers,
    openSockets: () => wss.clients.size,
    publish: (event: Event) => {
      for (const entry of subscribers) if (!entry.number || entry.number === event.number) entry.push(event);
    },
    close: async () => {
      await server.dispose();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}

const contextOf = (sub: string, role: 'viewer' | 'admin' = 'viewer', expiresIn = 600): GatewayContext => ({
  identity: { sub, role, expiresAt: Math.floor(Date.now() / 1000) + expiresIn },
  requestId: `req-${sub}-${Math.random().toString(36).slice(2)}`,
});

/** A client's socket: the frames written to it, parsed. */
const sinkFor = (id: string) => {
  const frames: {
    id: string;
    type: string;
    payload: { data: { orderUpdated: Record<string, unknown> } } & { extensions: { requestId: string } };
  }[] = [];
  const sink: FrameSink = {
    id,
    send: (frame) => frames.push(JSON.parse(String(frameBody(frame)))),
    sendAll: (all) => frames.push(...all.map((frame) => JSON.parse(String(frameBody(frame))))),
  };
  return { sink, frames };
};

describe('subscription hub', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let hub: SubscriptionHub;
  let customerCalls: { names: string[]; delayMs: (id: string) => number }[];
  let delays: Record<string, number>;

  beforeEach(async () => {
    upstream = await startUpstream();
    customerCalls = [];
    delays = {};
    const customers: GraphQLDataSource = {
      process: async ({ request }) => {
        const representations = request.variables!.representations as { id: string }[];
        customerCalls.push({ names: representations.map((r) => r.id), delayMs: () => 0 });
        await sleep(delays[representations[0]!.id] ?? 0);
        return { data: { _entities: representations.map((r) => ({ name: `Name of ${r.id}` })) } };
      },
    };
    hub = createSubscriptionHub({
      view: () => view,
      dataSources: () => ({ customers }),
      subgraphUrl: () => upstream.url,
      pool: createUpstreamPool({
        connectionParams: async (context, subgraph) => ({ identity: `${context.identity.sub}@${subgraph}` }),
        retryBaseMs: 50,
        retryMaxMs: 200,
        logger,
      }),
      logger,
    });
  });
  afterEach(async () => {
    hub.closeAll();
    await upstream.close();
  });

  it('gives clients of one identity and variables one upstream subscription and one resolution per event', async () => {
    const a = sinkFor('1');
    const b = sinkFor('7');
    const contextA = contextOf('ada');
    const contextB = contextOf('ada');
    hub.subscribe({ document: WATCH, variables: { n: 'O-1' }, context: contextA }, a.sink);
    hub.subscribe({ document: WATCH, variables: { n: 'O-1' }, context: contextB }, b.sink);
    await until(() => upstream.subscribers.size === 1);
    expect(hub.stats()).toEqual({ upstreams: 1, connected: 1, clients: 2, sockets: 1 });
    // One at a time (events read together would share one fetch: subscription-hub-events.test.ts).
    upstream.publish({ number: 'O-1', status: 'VERIFIED', customer: { id: 'C-1' } });
    await until(() => a.frames.length === 1 && b.frames.length === 1);
    upstream.publish({ number: 'O-1', status: 'SCHEDULED', customer: { id: 'C-1' } });
    await until(() => a.frames.length === 2 && b.frames.length === 2);
    expect(customerCalls).toHaveLength(2); // once per event, not per client
    for (const [{ frames }, id, context] of [
      [a, '1', contextA],
      [b, '7', contextB],
    ] as const) {
      expect(frames.map((frame) => [frame.id, frame.type])).toEqual([
        [id, 'next'],
        [id, 'next'],
      ]);
      expect(frames.map((frame) => frame.payload.data.orderUpdated)).toEqual([
        { number: 'O-1', status: 'VERIFIED', customer: { name: 'Name of C-1' } },
        { number: 'O-1', status: 'SCHEDULED', customer: { name: 'Name of C-1' } },
      ]);
      expect(frames[0]!.payload.extensions.requestId).toBe(context.requestId);
    }
  });

  it('multiplexes one identity’s variable sets on one socket, and keeps identities apart where a field is not declared identity-free', async () => {
    const one = sinkFor('1');
    const two = sinkFor('2');
    const other = sinkFor('3');
    hub.subscribe({ document: PER_IDENTITY, variables: { n: 'O-1' }, context: contextOf('ada') }, one.sink);
    hub.subscribe({ document: PER_IDENTITY, variables: { n: 'O-2' }, context: contextOf('ada') }, two.sink);
    // Same role, another user: never shares a group or a socket with ada.
    hub.subscribe({ document: PER_IDENTITY, variables: { n: 'O-1' }, context: contextOf('bob') }, other.sink);
    await until(() => upstream.subscribers.size === 3);
    expect(hub.stats()).toMatchObject({ upstreams: 3, clients: 3, sockets: 2 });
    expect(upstream.openSockets()).toBe(2);
    expect(upstream.connections.map((params) => params.identity).sort()).toEqual([
      'ada@orders',
      'bob@orders',
    ]);
    upstream.publish({ number: 'O-2', status: 'VERIFIED', customer: { id: 'C-2' } });
    await until(() => two.frames.length === 1);
    await sleep(50);
    expect(one.frames).toHaveLength(0);
    expect(other.frames).toHaveLength(0);
  });

  it('gives users of one role one group and one socket where every field is declared identity-free', async () => {
    const ada = sinkFor('1');
    const bob = sinkFor('2');
    hub.subscribe({ document: WATCH, variables: { n: 'O-1' }, context: contextOf('ada') }, ada.sink);
    hub.subscribe({ document: WATCH, variables: { n: 'O-1' }, context: contextOf('bob') }, bob.sink);
    await until(() => upstream.subscribers.size === 1);
    expect(hub.stats()).toMatchObject({ upstreams: 1, clients: 2, sockets: 1 });
    expect(upstream.connections).toHaveLength(1);
    upstream.publish({ number: 'O-1', status: 'VERIFIED', customer: { id: 'C-1' } });
    await until(() => ada.frames.length === 1 && bob.frames.length === 1);
    expect(customerCalls).toHaveLength(1);
    expect(bob.frames[0]!.payload.data.orderUpdated).toEqual(ada.frames[0]!.payload.data.orderUpdated);
  });

  it('reconnects a shared socket as a user who outlasts the session it connected with, before that ends', async () => {
    const ada = sinkFor('1');
    const bob = sinkFor('2');
    hub.subscribe({ document: WATCH, variables: {}, context: contextOf('ada', 'viewer', 3) }, ada.sink);
    await until(() => upstream.connections.length === 1);
    hub.subscribe({ document: WATCH, variables: {}, context: contextOf('bob') }, bob.sink);
    // ada's session ends in 3 s and the pool renews 5 s ahead: at once, as bob, without backoff.
    await until(() => upstream.connections.length === 2 && upstream.openSockets() === 1);
    expect(upstream.connections.map((params) => params.identity)).toEqual(['ada@orders', 'bob@orders']);
    await until(() => hub.stats().connected === 1);
    await sleep(100); // the subscription sent again on the new socket
    upstream.publish({ number: 'O-1', status: 'VERIFIED', customer: { id: 'C-1' } });
    await until(() => ada.frames.length === 1 && bob.frames.length === 1);
    await sleep(1200); // and no further renewal: nobody outlasts bob
    expect(upstream.connections).toHaveLength(2);
  });

  it('delivers in the subgraph’s order even when a later event resolves first', async () => {
    const a = sinkFor('1');
    hub.subscribe({ document: WATCH, variables: { n: 'O-1' }, context: contextOf('ada') }, a.sink);
    await until(() => upstream.subscribers.size === 1);
    delays['C-slow'] = 200;
    upstream.publish({ number: 'O-1', status: 'VERIFIED', customer: { id: 'C-slow' } });
    await until(() => customerCalls.length === 1);
    upstream.publish({ number: 'O-1', status: 'SCHEDULED', customer: { id: 'C-fast' } });
    await until(() => customerCalls.length === 2); // both resolving at once
    await until(() => a.frames.length === 2);
    expect(a.frames.map((frame) => frame.payload.data.orderUpdated.status)).toEqual([
      'VERIFIED',
      'SCHEDULED',
    ]);
  });

  it('closes the upstream subscription and the socket when the last client leaves', async () => {
    const a = sinkFor('1');
    const b = sinkFor('2');
    const first = hub.subscribe({ document: WATCH, variables: {}, context: contextOf('ada') }, a.sink);
    const second = hub.subscribe({ document: WATCH, variables: {}, context: contextOf('ada') }, b.sink);
    await until(() => upstream.subscribers.size === 1);
    await first.return!();
    expect(hub.stats().clients).toBe(1);
    upstream.publish({ number: 'O-1', status: 'VERIFIED', customer: { id: 'C-1' } });
    await until(() => b.frames.length === 1);
    expect(a.frames).toHaveLength(0);
    await second.return!();
    await until(() => upstream.openSockets() === 0);
    expect(hub.stats()).toEqual({ upstreams: 0, connected: 0, clients: 0, sockets: 0 });
  });
});
