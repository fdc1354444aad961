import { writeFileSync } from 'node:fs';
import { composeSupergraph, supergraphPath } from './supergraph.ts';

try {
  writeFileSync(supergraphPath, composeSupergraph());
  console.log(`Wrote ${supergraphPath.pathname}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
