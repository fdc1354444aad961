import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTelemetry } from '#kit/telemetry/sdk.ts';

/**
 * The SDK as a service starts it (the same instrumentations), exporting to
 * memory. Call before importing any service module, so the instrumentations
 * patch http, express, graphql, pg and mongodb as they load.
 */
export function recordSpans(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  startTelemetry({ serviceName: 'factory-floor-test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return exporter;
}

/** Every service runs in this process: a span belongs to the service whose server span it is under. */
export function serviceLabeller(spans: readonly ReadableSpan[], ports: Record<string, number>) {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const names = new Map(Object.entries(ports).map(([name, port]) => [port, name]));
  return (span: ReadableSpan): string => {
    for (let at: ReadableSpan | undefined = span; at; at = byId.get(at.parentSpanContext?.spanId ?? '')) {
      if (at.kind === SpanKind.SERVER) {
        const name = names.get(Number(at.attributes['server.port']));
        if (name) return name;
      }
    }
    return 'outside';
  };
}
