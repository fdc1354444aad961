/**
 * The top frames of a `node --cpu-prof` profile: self time by package and by function, and total
 * (inclusive) time of the functions named on the command line.
 *   node scripts/bench/lib/profile-top.ts <file.cpuprofile | dir> [--top=30] [--total=name,name]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, total: { type: 'string', default: '' } },
});
const target = positionals[0]!;
const file = statSync(target).isDirectory()
  ? `${target}/${readdirSync(target)
      .filter((name) => name.endsWith('.cpuprofile'))
      .sort()
      .at(-1)!}`
  : target;

type Node = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[] };
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const short = (url: string) =>
  url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/(work\/wt\/[^/]+|tmp\/[^/]+|work\/main)\//, '');
const nameOf = ({ functionName, url, lineNumber }: Node['callFrame']) =>
  `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`;
const packageOf = ({ functionName, url }: Node['callFrame']) =>
  /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
  (url ? short(url).split('/').slice(0, 3).join('/') : functionName);

const self = new Map<string, number>();
const byPackage = new Map<string, number>();
const totals = new Map<string, number>();
const wanted = values.total.split(',').filter(Boolean);
const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
let idle = 0;
for (const id of profile.samples) {
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') idle++;
  add(self, nameOf(frame));
  add(byPackage, packageOf(frame));
  if (wanted.length === 0) continue;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = byId.get(at)!.callFrame.functionName;
    if (wanted.includes(name) && !seen.has(name)) {
      seen.add(name);
      add(totals, name);
    }
  }
}
const busy = profile.samples.length - idle;
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .filter(([name]) => !name.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, count]) => `${((100 * count) / busy).toFixed(1).padStart(5)}%  ${name}`)
    .join('\n');
const n = Number(values.top);
console.log(
  `${file}: ${profile.samples.length} samples, ${busy} not idle (percentages of those)\n\n` +
    `self time by package:\n${top(byPackage, 15)}\n\nself time by function:\n${top(self, n)}` +
    (wanted.length ? `\n\ntotal time (inclusive):\n${top(totals, wanted.length)}` : ''),
);
