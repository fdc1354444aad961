/** autocannon with fixed connections (closed-loop, as issue 16 measured), and sequential request pairs. */
import autocannon from 'autocannon';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface Target {
  url: string;
  headers: () => Promise<Record<string, string>>;
  body: string;
}

export async function hammer(target: Target, seconds: number, connections = 20): Promise<Load> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...(await target.headers()) },
    body: target.body,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** Means of several rounds' RPS and their worst p99 (the rounds alternate between targets). */
export const combine = (rounds: Load[]): Load => ({
  rps: rounds.reduce((sum, round) => sum + round.rps, 0) / rounds.length,
  p50: rounds.map((round) => round.p50).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!,
  p99: Math.max(...rounds.map((round) => round.p99)),
  errors: rounds.reduce((sum, round) => sum + round.errors, 0),
});

export async function post(target: Target): Promise<{ data?: unknown; errors?: unknown[] }> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await target.headers()) },
    body: target.body,
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

export const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/**
 * `pairs` times (after 50 not counted), for each of `vias` in turn: one request to it and one to
 * `direct`, one at a time, alternating which goes first; per via, the distribution of
 * (via - direct) and of its direct halves. Interleaved, so every via sees the same machine.
 */
export async function addedLatency(vias: Record<string, Target>, direct: Target, pairs: number) {
  let directHeaders = await direct.headers();
  const names = Object.keys(vias);
  const viaHeaders = await Promise.all(names.map((name) => vias[name]!.headers()));
  const differences = names.map((): number[] => []);
  const directs = names.map((): number[] => []);
  const time = async (target: Target, headers: Record<string, string>) => {
    const started = performance.now();
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: target.body,
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${target.url} answered ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < pairs + 50; i++) {
    if (i % 50 === 0) directHeaders = await direct.headers(); // a signed identity lives 60 s
    for (const [n, name] of names.entries()) {
      const via = () => time(vias[name]!, viaHeaders[n]!);
      const viaFirst = i % 2 === 0;
      const first = viaFirst ? await via() : await time(direct, directHeaders);
      const second = viaFirst ? await time(direct, directHeaders) : await via();
      const [viaMs, directMs] = viaFirst ? [first, second] : [second, first];
      if (i < 50) continue;
      differences[n]!.push(viaMs - directMs);
      directs[n]!.push(directMs);
    }
  }
  return Object.fromEntries(
    names.map((name, n) => [
      name,
      {
        median: pct(differences[n]!, 50),
        p99: pct(differences[n]!, 99),
        directMedian: pct(directs[n]!, 50),
        directP99: pct(directs[n]!, 99),
      },
    ]),
  );
}
