// `npm run bench [name]`: runs the benchmarks in scripts/bench/ one after another
// (or only those whose file name contains `name`). Each prints its own figures; the arguments
// after `name` go to each benchmark (`npm run bench -- orders-throughput --rates=100`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./bench/', import.meta.url));
const [filter = '', ...args] = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.ts') && file.includes(filter))
  .sort();
if (!benches.length) {
  console.error(`No benchmark matches "${filter}" in scripts/bench/`);
  process.exit(1);
}
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const { status } = spawnSync(process.execPath, [`${dir}${file}`, ...args], {
    stdio: 'inherit',
    env: { LOG_LEVEL: 'silent', ...process.env },
  });
  if (status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
