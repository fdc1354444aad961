// Fails when schema/supergraph.graphql or a subgraph's generated types are stale.
import { readFileSync, existsSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.ts';
import { composeSupergraph, supergraphPath } from './supergraph.ts';

const stale: string[] = [];
const read = (path: string | URL) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

if (read(supergraphPath) !== composeSupergraph())
  stale.push('schema/supergraph.graphql (run npm run compose)');

const outputs: { filename: string; content: string }[] = await generate({ ...config, silent: true }, false);
for (const { filename, content } of outputs) {
  if (read(filename) !== content) stale.push(`${filename} (run npm run codegen)`);
}

if (stale.length) {
  console.error(`Generated files are stale:\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
console.log(`Generated files are fresh: supergraph and ${outputs.length} codegen outputs`);
