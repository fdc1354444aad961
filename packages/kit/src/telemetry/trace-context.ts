import {
  context,
  ROOT_CONTEXT,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  SpanStatusCode,
  type Span,
} from '@opentelemetry/api';

const tracer = trace.getTracer('factory-floor');

/** The W3C traceparent of the span active now; undefined when nothing is traced (telemetry off). */
export function currentTraceparent(): string | undefined {
  if (!trace.getActiveSpan()?.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a stored traceparent names (a remote parent), or undefined for none or a malformed one. */
export function contextOf(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(context.active(), { traceparent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** An item of a batch: its order's traceparent, or that with what tells this item apart (its status). */
export type LinkedItem =
  string | null | undefined | { traceparent: string | null | undefined; attributes?: Attributes };

/**
 * Runs a batch's work (one production request for many orders, one webhook of
 * many completions) in a span `name` linked to each item's trace, and puts in
 * each item's own trace a span `itemName` over the same time, linked back to
 * the batch: an order's trace then shows every asynchronous leg it went
 * through, and each leg leads to the work shared with other orders. With
 * telemetry off the spans are no-ops and nothing else is done.
 */
export async function inLinkedSpans<T>(
  name: string,
  itemName: string,
  batch: readonly LinkedItem[],
  work: (span: Span) => Promise<T>,
  attributes: Attributes = {},
): Promise<T> {
  const items = batch
    .map((item) => (typeof item === 'object' && item !== null ? item : { traceparent: item }))
    .map((item) => ({ context: contextOf(item.traceparent), attributes: item.attributes ?? {} }))
    .filter((item): item is { context: Context; attributes: Attributes } => item.context !== undefined);
  const linked = new Map(
    items.map(({ context }) => {
      const spanContext = trace.getSpanContext(context)!;
      return [spanContext.spanId, { context: spanContext } satisfies Link];
    }),
  );
  const options = { links: [...linked.values()], attributes: { ...attributes, 'batch.size': items.length } };
  return tracer.startActiveSpan(name, options, async (span) => {
    const perItem = span.isRecording()
      ? items.map((item) =>
          tracer.startSpan(
            itemName,
            { links: [{ context: span.spanContext() }], attributes: { ...attributes, ...item.attributes } },
            item.context,
          ),
        )
      : [];
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      for (const itemSpan of perItem) itemSpan.end();
      span.end();
    }
  });
}

/** A span in the trace `traceparent` names, over a time already passed (a production run from start to completion). */
export function recordSpan(
  name: string,
  traceparent: string | null | undefined,
  start: Date,
  end: Date,
  attributes: Attributes = {},
): void {
  const parent = contextOf(traceparent);
  if (!parent) return;
  tracer.startSpan(name, { startTime: start, attributes }, parent).end(end);
}

/**
 * Runs `fn` outside any trace: background work that a request only wakes (a
 * job loop kicked after a placement) must not join that request's trace and
 * every later pass with it. Links carry what it does for each order.
 */
export function detached<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}
