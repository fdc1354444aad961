import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sheetsEnvSchema } from '../../subgraphs/orders/src/sheets/sheets-config.ts';
import { PROGRAMS, variablesOf, type Program } from './support/service-configs.ts';

const operations = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
const sheets = readFileSync(new URL('../../docs/google-sheets.md', import.meta.url), 'utf8');

describe('docs/operations.md', () => {
  it('describes every variable a service reads', () => {
    const variables = new Set([
      ...(Object.keys(PROGRAMS) as Program[]).flatMap(variablesOf),
      ...Object.keys(sheetsEnvSchema.shape),
    ]);
    const undocumented = [...variables].filter(
      (name) => !operations.includes(`\`${name}\``) && !sheets.includes(`\`${name}\``),
    );
    expect(undocumented).toEqual([]);
  });
});
