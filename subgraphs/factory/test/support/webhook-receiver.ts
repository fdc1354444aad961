import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The request path: `/webhooks/production/<factory>`. */
  path: string;
  body: string;
  status: number;
  at: Date;
}

/**
 * A real HTTP endpoint standing in for the order service's webhook route:
 * it records every delivery and answers with `respondWith()`'s choice (200 by default).
 */
export async function startWebhookReceiver(port = 0) {
  const received: ReceivedWebhook[] = [];
  let respond: (body: string) => number | { status: number; json: unknown } = () => 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = respond(body);
      const status = typeof answer === 'number' ? answer : answer.status;
      received.push({ headers: req.headers, path: req.url ?? '', body, status, at: new Date() });
      if (typeof answer === 'number') res.writeHead(status).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/webhooks/production`,
    port: bound,
    received,
    acknowledged: () => received.filter((hook) => hook.status >= 200 && hook.status < 300),
    /** A status, or a status with a JSON body (e.g. the order service's `{ error, retryable }`). */
    respondWith: (fn: (body: string) => number | { status: number; json: unknown }) => void (respond = fn),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;
