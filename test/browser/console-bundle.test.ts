import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../gateway/src/console/route.ts';
import { buildConsoleIfMissing } from './console-support.ts';

interface Chunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
}
type Manifest = Record<string, Chunk>;

const BUDGET_BYTES = 300 * 1024;

/** The chunk and everything it imports statically: what the browser must load before it runs. */
function staticClosure(manifest: Manifest, start: string, seen = new Set<string>()): Set<string> {
  if (seen.has(start)) return seen;
  seen.add(start);
  for (const next of manifest[start]?.imports ?? []) staticClosure(manifest, next, seen);
  return seen;
}
const gzippedJs = (keys: Set<string>, manifest: Manifest) =>
  [...keys]
    .map((key) => manifest[key]!.file)
    .filter((file) => file.endsWith('.js'))
    .reduce((sum, file) => sum + gzipSync(readFileSync(`${CONSOLE_DIST}/${file}`)).length, 0);

describe('the console bundle', () => {
  let manifest: Manifest;
  beforeAll(async () => {
    await buildConsoleIfMissing();
    manifest = JSON.parse(readFileSync(`${CONSOLE_DIST}/.vite/manifest.json`, 'utf8')) as Manifest;
  }, 120_000);

  const screen = (name: string) => Object.keys(manifest).find((key) => key.endsWith(`/${name}.tsx`))!;

  it('loads the first screens under 300 KB of gzipped JavaScript', () => {
    const signIn = staticClosure(manifest, 'index.html');
    // Signed in, the first screen is the live board: the entry plus the board's own chunks.
    const board = staticClosure(manifest, screen('BoardScreen'), new Set(signIn));
    const sizes = { signIn: gzippedJs(signIn, manifest), board: gzippedJs(board, manifest) };
    console.info(`console first-screen JavaScript, gzipped: ${JSON.stringify(sizes)} bytes`);
    expect(sizes.signIn).toBeGreaterThan(10_000);
    expect(sizes.board).toBeLessThan(BUDGET_BYTES);
  });

  it('keeps the charts in lazy chunks of their own', () => {
    const eager = staticClosure(manifest, screen('BoardScreen'), staticClosure(manifest, 'index.html'));
    const text = [...eager]
      .map((key) => readFileSync(`${CONSOLE_DIST}/${manifest[key]!.file}`, 'utf8'))
      .join('');
    expect(manifest['index.html']!.dynamicImports).toContain(screen('DashboardScreen'));
    // recharts and uPlot announce themselves in their code; neither may be loaded up front.
    expect(text).not.toMatch(/recharts/i);
    expect(text).not.toMatch(/uplot/i);
    const dashboard = readFileSync(`${CONSOLE_DIST}/${manifest[screen('DashboardScreen')]!.file}`, 'utf8');
    expect(dashboard).toMatch(/recharts/i);
  });
});
