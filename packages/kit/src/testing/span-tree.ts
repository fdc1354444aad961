import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const durationMs = (span: ReadableSpan) => span.duration[0] * 1e3 + span.duration[1] / 1e6;
const startNs = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];

export interface SpanTreeOptions {
  /** What tells spans apart (the service, a route), shown in brackets. */
  label?: (span: ReadableSpan) => string;
  /** Every span known (other traces too): a span's links are printed with the linked span's subtree. */
  linked?: readonly ReadableSpan[];
}

/**
 * A trace as an indented tree of spans with their durations, children in start
 * order. Spans whose parent is not among `spans` are roots. With `linked`, a
 * span that links to another trace's span shows that span's subtree under
 * `↪`, once (a link back to where the walk came from is not followed).
 */
export function spanTree(spans: readonly ReadableSpan[], options: SpanTreeOptions = {}): string {
  const all = [...spans, ...(options.linked ?? [])];
  const byId = new Map(all.map((span) => [span.spanContext().spanId, span]));
  const children = new Map<string, ReadableSpan[]>();
  for (const span of all) {
    const parent = span.parentSpanContext?.spanId;
    if (parent && byId.has(parent)) children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const roots = spans.filter((span) => !ids.has(span.parentSpanContext?.spanId ?? ''));
  const shown = new Set<string>();
  const lines: string[] = [];
  const line = (span: ReadableSpan, depth: number, prefix = '') => {
    const extra = options.label?.(span);
    lines.push(
      `${'  '.repeat(depth)}${prefix}${span.name}${extra ? ` [${extra}]` : ''} ${durationMs(span).toFixed(1)} ms`,
    );
  };
  const walk = (span: ReadableSpan, depth: number, prefix = ''): void => {
    // Each span once: a linked span may also be reached through its parent.
    if (shown.has(span.spanContext().spanId)) return;
    shown.add(span.spanContext().spanId);
    line(span, depth, prefix);
    for (const link of span.links) {
      const target = byId.get(link.context.spanId);
      if (target) walk(target, depth + 1, '↪ ');
    }
    for (const child of (children.get(span.spanContext().spanId) ?? []).sort(
      (a, b) => startNs(a) - startNs(b),
    ))
      walk(child, depth + 1);
  };
  for (const root of roots.sort((a, b) => startNs(a) - startNs(b))) walk(root, 0);
  return lines.join('\n');
}
