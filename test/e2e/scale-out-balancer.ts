import { createServer } from 'node:http';
import { listen } from '#kit/http.ts';

/**
 * What a Kubernetes Service does for the factory's webhooks: each request goes to the next backend
 * in turn, and to the one after when a backend does not answer (a dead process). HTTP only.
 */
export async function startRoundRobin(backends: string[]) {
  let next = 0;
  const forwarded = new Map<string, number>(backends.map((backend) => [backend, 0]));
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
      ),
    );
    for (let tried = 0; tried < backends.length; tried++) {
      const backend = backends[next++ % backends.length]!;
      const reply = await fetch(new URL(req.url!, backend), {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      }).catch(() => undefined);
      if (!reply) continue;
      forwarded.set(backend, forwarded.get(backend)! + 1);
      res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'text/plain' });
      res.end(Buffer.from(await reply.arrayBuffer()));
      return;
    }
    res.writeHead(502).end('no backend answered');
  });
  const http = await listen(server, 0);
  return { url: http.url, forwarded, close: () => http.close() };
}
