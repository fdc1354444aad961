import { createServer, type Server, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  server: Server;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:4001 */
  url: string;
  close(): Promise<void>;
}

/** A wildcard bind is reached through loopback from this host. */
const urlHost = (host: string) =>
  host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;

/** Listens on `host` (the service's HOST) and `port` (0 for an ephemeral one), and resolves once bound. */
export async function listen(
  handler: RequestListener | Server,
  port: number,
  host = '127.0.0.1',
): Promise<Listening> {
  const server = typeof handler === 'function' ? createServer(handler) : handler;
  // Outlive the callers' idle keep-alive sockets (the gateway's and services' fetch agents), so a
  // socket is never closed by the server just as a caller reuses it (an intermittent ECONNRESET).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    url: `http://${urlHost(host)}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
