import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureFerretDbBinary } from '#kit/ferretdb.ts';

const here = realpathSync(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * The FerretDB build a checkout runs (its own patch level, built the first time as its kit builds
 * it), so a side-by-side run gives each tree its own MongoDB-wire server and not this tree's.
 */
export function ferretDbBinaryOf(root: string): string {
  if (realpathSync(root) === here) return ensureFerretDbBinary();
  const kit = `${realpathSync(root)}/packages/kit/src/ferretdb.ts`;
  const script = `import { ensureFerretDbBinary } from ${JSON.stringify(kit)}; console.log(ensureFerretDbBinary());`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}
