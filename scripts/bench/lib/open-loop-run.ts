import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Answer {
  i: number;
  /** Epoch ms (fractional) when the request was sent. */
  sentAt: number;
  ms: number;
  data?: unknown;
  error?: string;
}

/** Runs lib/open-loop.ts in its own process and collects its answers. */
export async function runOpenLoop(plan: {
  url: string;
  headers: Record<string, string>;
  body: string;
  rate: number;
  seconds: number;
  /** A module whose `bodyFor(i)` gives request i's body (instead of `body` for all). */
  bodies?: string;
}): Promise<{ answers: Answer[]; late: number; cpuMs: number; firstError?: string }> {
  const script = fileURLToPath(new URL('./open-loop.ts', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const answers: Answer[] = [];
  let late = 0;
  let cpuMs = NaN;
  for await (const line of createInterface({ input: child.stdout })) {
    const parsed = JSON.parse(line) as Answer & { done?: true; late?: number; cpuMs?: number };
    if (parsed.done) [late, cpuMs] = [parsed.late ?? 0, parsed.cpuMs ?? NaN];
    else answers.push(parsed);
  }
  const code = await new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
  );
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return { answers, late, cpuMs, firstError: answers.find((answer) => answer.error)?.error };
}
