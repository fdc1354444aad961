import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a subgraph that counts the HTTP requests passing
 * through and, with `idleMs`, behaves like a peer which has closed an idle
 * keep-alive connection (a subgraph's own idle timeout, or a load
 * balancer's): the first bytes sent on a connection idle for `idleMs` or
 * longer are answered with a reset. That is what a caller sees when it
 * reuses a pooled socket just as the other side closes it.
 */
export async function subgraphProxy(target: { port: number }, idleMs = Infinity) {
  let resets = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target.port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let lastActivity = Date.now();
    client.on('data', (chunk) => {
      if (Date.now() - lastActivity >= idleMs) {
        resets++;
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      lastActivity = Date.now();
      if (chunk.subarray(0, 5).toString() === 'POST ') requests++;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      lastActivity = Date.now();
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Connections reset so far. */
    resets: () => resets,
    /** HTTP requests passed on so far. */
    requests: () => requests,
    /** 0: every request is reset, as from a subgraph that is broken rather than idle-closing. */
    setIdleMs: (ms: number) => {
      idleMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
