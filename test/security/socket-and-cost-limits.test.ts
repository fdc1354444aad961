import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, gatewayIdentity } from '#kit/testing/tokens.ts';
import { callerHeaders } from '#kit/testing/tokens.ts';
import { openRawSocket } from '../support/raw-socket.ts';
import { startSupergraph, type Supergraph } from '../support/stack.ts';

const SOCKET_LIMITS = {
  WS_MAX_PAYLOAD: '4096',
  WS_MAX_SUBSCRIPTIONS: '2',
  WS_MAX_CONNECTIONS_PER_IDENTITY: '2',
};
const WATCH = 'subscription { orderUpdated { number status } }';
const ORDERS =
  'query ($n: Int) { orders(first: $n) { edges { node { number status lines { id quantity } customer { id } } } } }';
const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) =>
  body.errors?.[0]?.extensions?.code;

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await callerHeaders('viewer')) },
    body: JSON.stringify(body),
  });
  return (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

describe('limits on what a caller may make the servers parse and hold (issue 11, items 5, 8 and 9)', () => {
  let stack: Supergraph;
  let entries: { name: string; url: string; params: () => Promise<Record<string, unknown>> }[];
  beforeAll(async () => {
    stack = await startSupergraph({
      gateway: { ...SOCKET_LIMITS, INTROSPECTION: 'false', MAX_TOKENS: '200', MAX_COST: '1000' },
      // The subgraph's own limits, as tight as the gateway's here so one query shows both.
      orders: { ...SOCKET_LIMITS, MAX_COST: '1000' },
    });
    entries = [
      { name: 'gateway', url: stack.url, params: async () => ({ authorization: await bearer('viewer') }) },
      {
        name: 'orders',
        url: `${stack.orders.http.url}/graphql`,
        params: async () => ({ identity: await gatewayIdentity('viewer') }),
      },
    ];
  });
  afterAll(async () => stack?.close());

  it('computes the cost with the variables, over HTTP and WebSocket', async () => {
    for (const url of [stack.url, `${stack.orders.http.url}/graphql`]) {
      expect(codeOf(await post(url, { query: ORDERS, variables: { n: 1 } }))).toBeUndefined();
      expect(codeOf(await post(url, { query: ORDERS, variables: { n: 100 } }))).toBe('COST_LIMIT_EXCEEDED');
    }
    const { socket } = await openRawSocket(stack.url, await entries[0]!.params());
    socket.subscribe('1', ORDERS, { n: 100 });
    expect(JSON.stringify((await socket.answerTo('1')).payload)).toContain('COST_LIMIT_EXCEEDED');
    socket.close();
  });

  it('counts comments towards the token limit, over HTTP and WebSocket', async () => {
    const padded = `{ __typename }\n${'#\n'.repeat(300)}`;
    expect(codeOf(await post(stack.url, { query: padded }))).toBe('TOKEN_LIMIT_EXCEEDED');
    const { socket } = await openRawSocket(stack.url, await entries[0]!.params());
    socket.subscribe('1', padded);
    expect(JSON.stringify((await socket.answerTo('1')).payload)).toContain('TOKEN_LIMIT_EXCEEDED');
    socket.close();
  });

  it('refuses introspection over WebSocket with its own code where it is off', async () => {
    expect(codeOf(await post(stack.url, { query: '{ __schema { types { name } } }' }))).toBe(
      'INTROSPECTION_DISABLED',
    );
    const { socket } = await openRawSocket(stack.url, await entries[0]!.params());
    socket.subscribe('1', '{ __schema { types { name } } }');
    expect(JSON.stringify((await socket.answerTo('1')).payload)).toContain('INTROSPECTION_DISABLED');
    socket.close();
  });

  it.each(['gateway', 'orders'])(
    '%s closes a socket with 1009 when a message exceeds WS_MAX_PAYLOAD',
    async (name) => {
      const entry = entries.find((candidate) => candidate.name === name)!;
      const { socket, acknowledged } = await openRawSocket(entry.url, await entry.params());
      expect(acknowledged).toBe(true);
      socket.subscribe('1', `{ __typename ${' '.repeat(5000)} }`);
      expect((await socket.closed).code).toBe(1009);
    },
  );

  it.each(['gateway', 'orders'])(
    '%s refuses one subscription too many on a socket with SUBSCRIPTION_LIMIT_EXCEEDED',
    async (name) => {
      const entry = entries.find((candidate) => candidate.name === name)!;
      const { socket } = await openRawSocket(entry.url, await entry.params());
      socket.subscribe('1', WATCH);
      socket.subscribe('2', WATCH);
      socket.subscribe('3', WATCH);
      const third = await socket.answerTo('3');
      expect(third.type).toBe('error');
      expect(JSON.stringify(third.payload)).toContain('SUBSCRIPTION_LIMIT_EXCEEDED');
      expect(socket.messages.filter((message) => message.id === '1' || message.id === '2')).toEqual([]);
      socket.close();
    },
  );

  it.each(['gateway', 'orders'])('%s closes one socket too many for an identity with 4429', async (name) => {
    const entry = entries.find((candidate) => candidate.name === name)!;
    const first = await openRawSocket(entry.url, await entry.params());
    const second = await openRawSocket(entry.url, await entry.params());
    const third = await openRawSocket(entry.url, await entry.params());
    expect([first.acknowledged, second.acknowledged, third.acknowledged]).toEqual([true, true, false]);
    expect((await third.socket.closed).code).toBe(4429);
    first.socket.close();
    await first.socket.closed;
    // A closed socket frees its place.
    const again = await openRawSocket(entry.url, await entry.params());
    expect(again.acknowledged).toBe(true);
    second.socket.close();
    again.socket.close();
  });
});
