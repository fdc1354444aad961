import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The processes `pid` started that still run (Linux /proc), e.g. a cluster primary's workers. */
export function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** Whether a process of that id is running (signal 0 checks without sending). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A test's child process's exit, and the two ways a test ends one: `stop` (SIGTERM: it drains)
 * and `kill` (SIGKILL: a crash, no goodbye). Both resolve once it has exited, and do nothing to
 * one that already has.
 */
export function endings(child: ChildProcess) {
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const send = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return { exited, stop: send('SIGTERM'), kill: send('SIGKILL') };
}
