import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sheetsEnvSchema } from '../../subgraphs/orders/src/sheets/sheets-config.ts';
import { PROGRAMS, variablesOf, type Program } from './support/service-configs.ts';

const listed = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1])
  .filter((name): name is string => Boolean(name));
const known = new Set([
  ...(Object.keys(PROGRAMS) as Program[]).flatMap(variablesOf),
  ...Object.keys(sheetsEnvSchema.shape),
]);

describe('.env.example', () => {
  it('lists every variable a service reads', () => {
    expect([...known].filter((variable) => !listed.includes(variable))).toEqual([]);
  });

  it('lists nothing that no service reads', () => {
    const extra = [
      'SEED_CUSTOMERS',
      'MONGODB_URL',
      'FERRETDB_BIN',
      'LOCAL_POSTGRES_URL',
      'CUSTOMERS_PORT',
      'ORDERS_PORT',
      'FACTORY_PORT',
      // Read by the OpenTelemetry SDK (packages/kit/src/telemetry), not by a service's config.
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_SERVICE_NAME',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
    ];
    expect(listed.filter((variable) => !known.has(variable) && !extra.includes(variable))).toEqual([]);
  });
});
