import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { serviceInstrumentations } from './instrumentations.ts';
import { setTelemetryShutdown } from './shutdown.ts';

export { shutdownTelemetry } from './shutdown.ts';

export interface TelemetryOptions {
  /** Default: OTEL_SERVICE_NAME, else the SDK's `unknown_service`. */
  serviceName?: string | undefined;
  /** Default: the exporter the OTEL_* variables configure, batched (tests pass an in-memory one). */
  spanProcessors?: SpanProcessor[];
  instrumentations?: Instrumentation[];
}

let running: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK once per process: tracer provider, W3C trace
 * context and baggage propagation, AsyncLocalStorage context, and the
 * instrumentations. Everything else (exporter, endpoint, headers, sampler,
 * resource attributes) comes from the standard OTEL_* variables.
 */
export function startTelemetry(options: TelemetryOptions = {}): void {
  if (running) return;
  running = new NodeSDK({
    serviceName: options.serviceName ?? process.env.OTEL_SERVICE_NAME,
    instrumentations: options.instrumentations ?? serviceInstrumentations(),
    // Traces only: metrics are Prometheus' (/metrics), logs are pino's.
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  running.start();
  const sdk = running;
  setTelemetryShutdown(async () => {
    running = undefined;
    await sdk.shutdown();
  });
}
