/**
 * An open-loop load generator, run as its own process: POSTs `body` to `url`
 * at a fixed arrival rate for `seconds`, whether or not earlier requests have
 * been answered (a slow server gets more requests in flight, not fewer), and
 * prints one JSON line per answer: `{ i, sentAt, ms, data?, error? }`, times
 * in epoch milliseconds. Its last line is `{ done: true, late }`: how many
 * sends left more than 10 ms after their due time (a generator that could not
 * keep up, which would make the load partly closed-loop).
 *   node scripts/bench/lib/open-loop.ts '<json: { url, headers, body, rate, seconds, bodies? }>'
 * `bodies`, a module path, makes every request its own: the module's `bodyFor(i)` gives request
 * i's body (e.g. production requests with their own order numbers and line ids).
 * autocannon's fixed rate was the first choice, but its connections are
 * closed loops (a request waits for the previous answer on its connection)
 * and we need each answer's order number and send time. Node's fetch opens
 * as many keep-alive connections as there are requests in flight.
 */
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

async function send(i: number): Promise<void> {
  const sentAt = now();
  try {
    const response = await fetch(plan.url, { method: 'POST', headers: plan.headers, body: bodyFor(i) });
    const answer = (await response.json()) as { data?: unknown; errors?: { message: string }[] };
    const ms = now() - sentAt;
    const error = answer.errors?.[0]?.message ?? (response.ok ? undefined : `HTTP ${response.status}`);
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
out.push(JSON.stringify({ done: true, late }) + '\n');
flush();
