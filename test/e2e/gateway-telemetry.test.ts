import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayFor } from '../support/stack.ts';

type Gateway = Awaited<ReturnType<typeof startGatewayFor>>;

/** @apollo/gateway reports usage to Apollo hourly unless APOLLO_TELEMETRY_DISABLED is set when it is built. */
describe('Apollo usage telemetry', () => {
  let gateway: Gateway | undefined;
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('is off however the gateway is started, with nothing set', async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    gateway = await startGatewayFor({});
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('1');
  });

  it('is on only when APOLLO_TELEMETRY=true opts in', async () => {
    process.env.APOLLO_TELEMETRY_DISABLED = '1';
    gateway = await startGatewayFor({ APOLLO_TELEMETRY: 'true' });
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('false');
  });
});
