import { describe, expect, it } from 'vitest';
import { serviceNameOf, tracesConfigured } from './settings.ts';

describe('tracesConfigured', () => {
  it('is off with nothing set, so a service loads no SDK', () => {
    expect(tracesConfigured({})).toBe(false);
  });
  it('is on with an OTLP endpoint, for all signals or for traces', () => {
    expect(tracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracesConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe(true);
    expect(tracesConfigured({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true);
  });
  it('stays off when disabled or the exporter is none', () => {
    expect(
      tracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBe(false);
    expect(
      tracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toBe(false);
  });
});

describe('serviceNameOf', () => {
  it('names the service after its entry point', () => {
    expect(serviceNameOf('/app/gateway/src/index.ts')).toBe('gateway');
    expect(serviceNameOf('subgraphs/orders/src/index.ts')).toBe('orders');
    expect(serviceNameOf('scripts/seed.ts')).toBeUndefined();
  });
});
