import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isStaleConnectionError } from '#kit/stale-connection.ts';
import { createSubgraphClient } from '../src/subgraph-client.ts';

// A bare node:http server in the subgraph's place: what is under test is the transport, not a subgraph.
let server: Server | undefined;
const serve = async (handler: Parameters<typeof createServer>[1], keepAliveTimeout = 5000) => {
  server = createServer(handler);
  server.keepAliveTimeout = keepAliveTimeout;
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

describe('createSubgraphClient', () => {
  it('posts the body with its headers and hands back status, headers and text', async () => {
    const url = await serve((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ echo: Buffer.concat(chunks).toString(), identity: req.headers['x-id'] }));
      });
    });
    const answer = await createSubgraphClient()(url, { 'x-id': 'ada' }, '{"query":"{ a }"}');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.text)).toEqual({ echo: '{"query":"{ a }"}', identity: 'ada' });
  });

  it('drops a pooled socket before the subgraph closes it idle, so the next request needs no retry', async () => {
    const ports = new Set<number>();
    const url = await serve((req, res) => {
      ports.add(req.socket.remotePort!);
      req.resume();
      req.on('end', () => res.end('{}'));
    }, 3000);
    const post = createSubgraphClient();
    await post(url, {}, '{}');
    await post(url, {}, '{}'); // reused while fresh
    expect(ports.size).toBe(1);
    // Past the subgraph's Keep-Alive: timeout=3 less the agent's second of margin (the subgraph would
    // still take it, but a socket kept to the last moment may be closed under a request being written).
    await sleep(2300);
    await expect(post(url, {}, '{}')).resolves.toMatchObject({ status: 200 });
    expect(ports.size).toBe(2);
  });

  it('waits for a slow answer longer than the idle limit', async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => setTimeout(() => res.end('{"late":true}'), 1200));
    }, 1000);
    const post = createSubgraphClient({ idleMs: 500 });
    await post(url, {}, '{}');
    await expect(post(url, {}, '{}')).resolves.toMatchObject({ text: '{"late":true}' });
  });

  it('fails an answer cut off midway with an error a read may retry', async () => {
    const url = await serve((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const failure = await createSubgraphClient()(url, {}, '{}').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(isStaleConnectionError(failure)).toBe(true);
  });
});
