// Summing up a `node --cpu-prof` profile: self time by package and by function, and the total
// (inclusive) time of named functions, as percentages of the samples that were not idle.
import { readdirSync, readFileSync, statSync } from 'node:fs';

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
export interface CpuProfile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** A .cpuprofile file, or the newest one in a directory. */
export function readCpuProfile(target: string): { file: string; profile: CpuProfile } {
  const file = statSync(target).isDirectory()
    ? `${target}/${readdirSync(target)
        .filter((name) => name.endsWith('.cpuprofile'))
        .sort()
        .at(-1)!}`
    : target;
  return { file, profile: JSON.parse(readFileSync(file, 'utf8')) as CpuProfile };
}

const short = (url: string) =>
  url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/(work\/wt\/[^/]+|tmp\/[^/]+|work\/main)\//, '');
const nameOf = ({ functionName, url, lineNumber }: Node['callFrame']) =>
  `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`;
const packageOf = ({ functionName, url }: Node['callFrame']) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
  (url ? short(url).split('/').slice(0, 3).join('/') : functionName);

/**
 * The profile's top frames as text. `window` ([from, to] in the profile's microseconds) keeps only
 * the samples taken inside it (e.g. while the load ran); `totals` names functions whose inclusive
 * time is wanted.
 */
export function summariseCpuProfile(
  profile: CpuProfile,
  options: { functions?: number; packages?: number; totals?: string[]; window?: [number, number] } = {},
): { busy: number; text: string } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const wanted = options.totals ?? [];
  const self = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const totals = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  let at = profile.startTime;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (options.window && (at < options.window[0] || at > options.window[1])) return;
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') return;
    busy++;
    add(self, nameOf(frame));
    add(byPackage, packageOf(frame));
    const seen = new Set<string>();
    for (let node: number | undefined = id; wanted.length && node !== undefined; node = parent.get(node)) {
      const name = byId.get(node)!.callFrame.functionName;
      if (wanted.includes(name) && !seen.has(name)) {
        seen.add(name);
        add(totals, name);
      }
    }
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, count]) => `${((100 * count) / busy).toFixed(1).padStart(5)}%  ${name}`)
      .join('\n');
  const text =
    `self time by package:\n${top(byPackage, options.packages ?? 15)}\n\n` +
    `self time by function:\n${top(self, options.functions ?? 30)}` +
    (wanted.length ? `\n\ntotal time (inclusive):\n${top(totals, wanted.length)}` : '');
  return { busy, text };
}
