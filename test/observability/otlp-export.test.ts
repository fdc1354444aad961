import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '#kit/ferretdb.ts';
import { graphql } from '#kit/testing/graphql-client.ts';
import { createPostgresDatabase } from '#kit/testing/databases.ts';
import { baseEnv, startCustomers } from '../support/stack.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The gateway started as in production (`node --import …/telemetry/preload.ts gateway/src/index.ts`),
 * configured only by the standard OTEL_* variables, exports its traces to a receiver this test runs.
 */
describe('OTLP export configured by OTEL_* variables', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let customers: Awaited<ReturnType<typeof startCustomers>>;
  let gateway: ChildProcess;
  let gatewayUrl: string;
  let stderr = '';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    customers = await startCustomers({ DATABASE_URL: await createPostgresDatabase('otlp') });
    const port = await freePort();
    gateway = spawn(
      process.execPath,
      ['--import', './packages/kit/src/telemetry/preload.ts', 'gateway/src/index.ts'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ...baseEnv(),
          PORT: String(port),
          CUSTOMERS_URL: `${customers.http.url}/graphql`,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_TRACES_SAMPLER: 'parentbased_always_on',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=otlp-test',
          OTEL_BSP_SCHEDULE_DELAY: '100',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    gateway.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    gatewayUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    while (
      !(await fetch(`${gatewayUrl}/health`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (gateway.exitCode !== null || Date.now() > deadline)
        throw new Error(`gateway did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  afterAll(async () => {
    gateway?.kill('SIGKILL');
    await customers?.close();
    await receiver?.close();
  });

  it('sends the gateway spans of a request, as protobuf, named by the entry point', async () => {
    const result = await graphql(
      `${gatewayUrl}/graphql`,
      '{ customers(first: 1) { totalCount } }',
      {},
      'viewer',
    );
    expect(result.errors, stderr).toBeUndefined();
    await expect
      .poll(() => receiver.spans.map((span) => span.name))
      .toEqual(
        expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']),
      );
    const request = receiver.spans.find((span) => span.name === 'gateway.request')!;
    expect(request.service).toBe('gateway');
    expect(request.resource['deployment.environment.name']).toBe('otlp-test');
    expect(receiver.contentTypes).toEqual(new Set(['application/x-protobuf']));
    // The subgraph fetch went out as an HTTP client span in the same trace, which carried its traceparent.
    const fetchSpan = receiver.spans.find((span) => span.name === 'gateway.fetch')!;
    expect(fetchSpan.traceId).toBe(request.traceId);
    expect(fetchSpan.attributes.service).toBe('customers');
    const client = receiver.spans.find((span) => span.parentSpanId === fetchSpan.spanId);
    expect(client?.attributes['url.full']).toBe(`${customers.http.url}/graphql`);
  });
});
