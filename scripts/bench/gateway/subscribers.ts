/**
 * A process of graphql-ws subscribers for the subscription benchmark, on raw `ws` sockets (protocol
 * graphql-transport-ws) so that thousands fit in one process. Driven over IPC by the benchmark:
 *   env SUBSCRIBE_URL, SUBSCRIBERS, TOKENS (JSON array; client i uses TOKENS[i % length]), QUERY
 *   → { type: 'connected', accepted, refused } once every socket is acknowledged or refused
 *   ← { type: 'forget' } → { type: 'forgotten' }: what was received so far is dropped (the warm-up)
 *   ← { type: 'report' } → { type: 'report', latencies, received, misordered, perClient: events per client,
 *     arrivals: { 'number/status': [ms, …] } (when each client got each event), committed: { 'number/status':
 *     ms } (its commit time), cpuMs: this process's CPU }
 */
import WebSocket from 'ws';

const url = process.env.SUBSCRIBE_URL!;
const count = Number(process.env.SUBSCRIBERS);
const tokens = JSON.parse(process.env.TOKENS!) as string[];
const query = process.env.QUERY!;
/** `authorization` (a user's bearer token, at the gateway) or `identity` (a gateway identity, at a subgraph). */
const param = process.env.CONNECTION_PARAM === 'identity' ? 'identity' : 'authorization';
const RANK = { VERIFIED: 0, SCHEDULED: 1, COMPLETE: 2, REJECTED: 3 } as Record<string, number>;

type Update = { number: string; status: string; history?: { status: string; at: string }[] };
let latencies: number[] = [];
let received = 0;
let misordered = 0;
let accepted = 0;
let refused = 0;
const counts: number[] = new Array<number>(count).fill(0);
let arrivals: Record<string, number[]> = {};
let committedAt: Record<string, number> = {};
const sockets: WebSocket[] = [];

const open = (index: number) =>
  new Promise<void>((resolve) => {
    const seen = new Map<string, number>();
    const socket = new WebSocket(url, 'graphql-transport-ws');
    sockets.push(socket);
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (ok) accepted++;
      else refused++;
      resolve();
    };
    socket.on('open', () =>
      socket.send(
        JSON.stringify({
          type: 'connection_init',
          payload:
            param === 'identity'
              ? { identity: tokens[index % tokens.length] }
              : { authorization: `Bearer ${tokens[index % tokens.length]}` },
        }),
      ),
    );
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as {
        type: string;
        payload?: { data?: { orderUpdated: Update }; errors?: unknown };
      };
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        settle(true);
      } else if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
      else if (message.type === 'next') {
        const update = message.payload?.data?.orderUpdated;
        if (!update) return;
        const now = Date.now();
        received++;
        counts[index]!++;
        const key = `${update.number}/${update.status}`;
        (arrivals[key] ??= []).push(now);
        const committed = update.history?.findLast((entry) => entry.status === update.status);
        if (committed) {
          committedAt[key] ??= Date.parse(committed.at);
          latencies.push(now - committedAt[key]);
        }
        const rank = RANK[update.status] ?? -1;
        if ((seen.get(update.number) ?? -1) >= rank) misordered++;
        seen.set(update.number, rank);
      } else if (message.type === 'error') {
        if (process.env.DEBUG_SUBSCRIBERS) console.error(JSON.stringify(message));
        settle(false);
      }
    });
    socket.on('error', () => settle(false));
    socket.on('close', (code, reason) => {
      if (process.env.DEBUG_SUBSCRIBERS && !settled) console.error('closed', code, reason.toString());
      settle(false);
    });
  });

// Open in waves so a socket's handshake is not timed out behind thousands of others.
const WAVE = 200;
for (let start = 0; start < count; start += WAVE) {
  await Promise.all(Array.from({ length: Math.min(WAVE, count - start) }, (_, i) => open(start + i)));
}
process.send!({ type: 'connected', accepted, refused });

process.on('message', (message: { type: string }) => {
  if (message.type === 'report') {
    process.send!({
      type: 'report',
      latencies,
      received,
      misordered,
      perClient: counts,
      arrivals,
      committed: committedAt,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
  } else if (message.type === 'forget') {
    // The warm-up's events are not measured (each client still checks the order of what follows).
    [latencies, received, arrivals, committedAt] = [[], 0, {}, {}];
    counts.fill(0);
    process.send!({ type: 'forgotten' });
  } else if (message.type === 'stop') {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
});
