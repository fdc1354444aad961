import http from 'node:http';
import https from 'node:https';

/** A subgraph's answer as received: status, headers and the body's text (parsed by whoever reads it). */
export interface SubgraphAnswer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export type PostJson = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<SubgraphAnswer>;

/**
 * POSTs JSON to subgraphs over node:http keep-alive sockets. Node's fetch
 * (undici behind WHATWG streams) cost about three times the CPU per subgraph
 * fetch, a fifth of the gateway's time in a profile. `timeout` is only the
 * idle limit of a pooled socket: below it the agent honours the subgraph's
 * `Keep-Alive: timeout` hint less a second, so a socket is dropped before the
 * subgraph closes it (a write on a socket closed under it would fail).
 */
export function createSubgraphClient(options: { idleMs?: number; requestTimeoutMs?: number } = {}): PostJson {
  const timeout = options.idleMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const agents = {
    'http:': new http.Agent({ keepAlive: true, timeout }),
    'https:': new https.Agent({ keepAlive: true, timeout }),
  };
  // Parsed once per subgraph address: a URL given to http.request is converted to options every time.
  const targets = new Map<string, http.RequestOptions & { secure: boolean }>();
  const targetOf = (url: string) => {
    let target = targets.get(url);
    if (!target) {
      const { protocol, hostname, port, pathname, search } = new URL(url);
      const secure = protocol === 'https:';
      target = {
        secure,
        protocol,
        hostname: hostname.replace(/^\[|\]$/g, ''),
        port: port || (secure ? 443 : 80),
        path: `${pathname}${search}`,
        method: 'POST',
        agent: agents[secure ? 'https:' : 'http:'],
      };
      targets.set(url, target);
    }
    return target;
  };
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const { secure, ...target } = targetOf(url);
      // An object, not Node's flat list: OpenTelemetry's http instrumentation copies the headers
      // into an object to add `traceparent`, which turns a list into numbered headers.
      const all = { ...headers, 'content-length': String(Buffer.byteLength(body)) };
      const request = (secure ? https : http).request({ ...target, headers: all }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            statusText: response.statusMessage ?? '',
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        // A connection cut mid-answer ends without 'end' (a reset names itself in 'error' first).
        response.on('close', () => {
          if (!response.complete) reject(new Error('socket hang up: the subgraph closed mid-answer'));
        });
      });
      // A subgraph that never answers fails the fetch instead of holding it (and a subscription
      // group's later events) forever: node:http has no timeout of its own.
      request.setTimeout(requestTimeoutMs, () =>
        request.destroy(new Error(`the subgraph did not answer within ${requestTimeoutMs} ms`)),
      );
      request.on('error', reject);
      request.end(body);
    });
}
