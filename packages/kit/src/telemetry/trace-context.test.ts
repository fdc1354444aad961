import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { trace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { startTelemetry } from './sdk.ts';
import { shutdownTelemetry } from './shutdown.ts';
import { currentTraceparent, inLinkedSpans, recordSpan } from './trace-context.ts';

const exporter = new InMemorySpanExporter();
startTelemetry({ spanProcessors: [new SimpleSpanProcessor(exporter)], instrumentations: [] });
afterAll(shutdownTelemetry);

/** The processor exports once the resource's detected attributes have settled: a moment later. */
const finished = async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return exporter.getFinishedSpans();
};

const placed = () =>
  trace.getTracer('test').startActiveSpan('placeOrder', (span) => {
    const traceparent = currentTraceparent()!;
    span.end();
    return { traceparent, traceId: span.spanContext().traceId };
  });

describe('the trace context of an asynchronous leg', () => {
  it('is the active span as a W3C traceparent', () => {
    const { traceparent, traceId } = placed();
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('links a batch to each item, and puts a span in each item trace linked back', async () => {
    exporter.reset();
    const [a, b] = [placed(), placed()];
    const answer = await inLinkedSpans(
      'orders.scheduling',
      'order.scheduled',
      [
        a.traceparent,
        { traceparent: b.traceparent, attributes: { 'order.status': 'COMPLETE' } },
        null,
        'junk',
      ],
      async () => 42,
    );
    expect(answer).toBe(42);
    const spans = await finished();
    const batch = spans.find((span) => span.name === 'orders.scheduling')!;
    expect(batch.links.map((link) => link.context.traceId).sort()).toEqual([a.traceId, b.traceId].sort());
    const items = spans.filter((span) => span.name === 'order.scheduled');
    expect(items.map((span) => span.spanContext().traceId).sort()).toEqual([a.traceId, b.traceId].sort());
    for (const item of items) expect(item.links[0]!.context.spanId).toBe(batch.spanContext().spanId);
    expect(items.find((item) => item.spanContext().traceId === b.traceId)!.attributes['order.status']).toBe(
      'COMPLETE',
    );
  });

  it('records a span over a time already passed, in the item trace', async () => {
    exporter.reset();
    const { traceparent, traceId } = placed();
    recordSpan('factory.production', traceparent, new Date(Date.now() - 5000), new Date(Date.now() - 1000));
    const span = (await finished()).find((s) => s.name === 'factory.production')!;
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.duration[0]).toBeGreaterThanOrEqual(3);
    recordSpan('factory.production', undefined, new Date(), new Date());
    expect((await finished()).filter((s) => s.name === 'factory.production')).toHaveLength(1);
  });

  it('fails the batch span when the work fails, and rethrows', async () => {
    exporter.reset();
    await expect(
      inLinkedSpans('b', 'i', [placed().traceparent], async () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
    expect((await finished()).find((s) => s.name === 'b')!.status.code).toBe(2);
  });
});
