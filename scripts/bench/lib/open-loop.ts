/**
 * An open-loop load generator, run as its own process: POSTs `body` to `url`
 * at a fixed arrival rate for `seconds`, whether or not earlier requests have
 * been answered (a slow server gets more requests in flight, not fewer), and
 * prints one JSON line per answer: `{ i, sentAt, ms, data?, error? }`, times
 * in epoch milliseconds. Its last line is `{ done: true, late, cpuMs }`: how many
 * sends left more than 10 ms after their due time (a generator that could not
 * keep up, which would make the load partly closed-loop).
 *   node scripts/bench/lib/open-loop.ts '<json: { url, headers, body, rate, seconds, bodies? }>'
 * `bodies`, a module path, makes every request its own: the module's `bodyFor(i)` gives request
 * i's body (e.g. production requests with their own order numbers and line ids).
 * autocannon's fixed rate was the first choice, but its connections are
 * closed loops (a request waits for the previous answer on its connection)
 * and we need each answer's order number and send time.
 */
import http from 'node:http';

interface Plan {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  bodies?: string;
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const now = () => performance.timeOrigin + performance.now();
const total = Math.round(plan.rate * plan.seconds);
const bodyFor: (i: number) => string = plan.bodies
  ? ((await import(plan.bodies)) as { bodyFor: (i: number) => string }).bodyFor
  : () => plan.body;
const out: string[] = [];
const flush = () => {
  if (out.length) process.stdout.write(out.splice(0).join(''));
};
const flushing = setInterval(flush, 50);

// node:http with keep-alive sockets, no cap: as many connections as requests in flight, so the load
// stays open-loop. Node's fetch (undici behind WHATWG streams) cost about 0.7 ms of CPU a request
// here, as much as the gateway, on the same two cores as the services it measures.
const target = new URL(plan.url);
const agent = new http.Agent({ keepAlive: true });
function post(body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        agent,
        headers: { ...plan.headers, 'content-length': String(Buffer.byteLength(body)) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function send(i: number): Promise<void> {
  const sentAt = now();
  try {
    const response = await post(bodyFor(i));
    const answer = JSON.parse(response.text) as { data?: unknown; errors?: { message: string }[] };
    const ms = now() - sentAt;
    const ok = response.status >= 200 && response.status < 300;
    const error = answer.errors?.[0]?.message ?? (ok ? undefined : `HTTP ${response.status}`);
    out.push(JSON.stringify({ i, sentAt, ms, data: answer.data, error }) + '\n');
  } catch (error) {
    out.push(JSON.stringify({ i, sentAt, ms: now() - sentAt, error: (error as Error).message }) + '\n');
  }
}

const start = now() + 50;
const inFlight: Promise<void>[] = [];
let late = 0;
for (let i = 0; i < total;) {
  const wait = start + (i * 1000) / plan.rate - now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  // Send every request that is due now (timers fire late under load; arrivals keep their schedule).
  while (i < total && start + (i * 1000) / plan.rate <= now()) {
    if (now() - (start + (i * 1000) / plan.rate) > 10) late++;
    inFlight.push(send(i++));
  }
}
await Promise.all(inFlight);
clearInterval(flushing);
// Its own CPU too: what the generator takes from the machine it shares with the services.
const { user, system } = process.cpuUsage();
out.push(JSON.stringify({ done: true, late, cpuMs: (user + system) / 1000 }) + '\n');
flush();
