import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';

/** The subgraphs of the supergraph, with the URLs they have on a developer machine. */
export const SUBGRAPHS = [
  { name: 'customers', url: 'http://localhost:4001/graphql' },
  { name: 'orders', url: 'http://localhost:4002/graphql' },
  { name: 'factory', url: 'http://localhost:4003/graphql' },
] as const;

export const schemaPath = (name: string) => new URL(`../schema/${name}.graphql`, import.meta.url);
export const supergraphPath = schemaPath('supergraph');

/** Composes schema/<subgraph>.graphql into the supergraph SDL, or throws the composition errors. */
export function composeSupergraph(): string {
  const result = composeServices(
    SUBGRAPHS.map(({ name, url }) => ({
      name,
      url,
      typeDefs: parse(readFileSync(schemaPath(name), 'utf8')),
    })),
  );
  if (result.errors) {
    throw new Error(
      `Supergraph composition failed:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`,
    );
  }
  return `${result.supergraphSdl.trim()}\n`;
}
