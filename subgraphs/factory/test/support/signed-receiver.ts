import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '#kit/webhook-signature.ts';

export interface Delivery {
  webhookId: string;
  /** The request path: `/webhooks/production/<factory>`. */
  path: string;
  body: string;
  status: number;
  at: Date;
}

/**
 * A real HTTP receiver that behaves like the order service's webhook route:
 * 401 for a bad signature, 2xx once recorded, 2xx again for a repeated
 * `webhook-id` without recording it twice (idempotent). Listens on `port`
 * (0 = any), so a test can bring it up later on a port a factory already targets.
 */
export async function startSignedReceiver(secret: string, port = 0) {
  const deliveries: Delivery[] = [];
  /** webhook-id → the body first acknowledged under it. */
  const recorded = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const webhookId = String(req.headers['webhook-id'] ?? '');
      const status = verifyWebhookSignature(secret, req.headers, body).ok ? 200 : 401;
      if (status === 200 && !recorded.has(webhookId)) recorded.set(webhookId, body);
      deliveries.push({ webhookId, path: req.url ?? '', body, status, at: new Date() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/webhooks/production`,
    port: bound,
    deliveries,
    recorded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type SignedReceiver = Awaited<ReturnType<typeof startSignedReceiver>>;
