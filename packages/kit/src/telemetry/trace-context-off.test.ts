import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { currentTraceparent, inLinkedSpans } from './trace-context.ts';

// No SDK started in this file: @opentelemetry/api is its no-op, as in a service with OTEL_* unset.
describe('with telemetry off', () => {
  it('has no traceparent to store, and runs a batch as is', async () => {
    const inside = trace.getTracer('test').startActiveSpan('placeOrder', (span) => {
      span.end();
      return currentTraceparent();
    });
    expect(inside).toBeUndefined();
    const valid = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(await inLinkedSpans('batch', 'item', [valid], async (span) => span.isRecording())).toBe(false);
  });
});
