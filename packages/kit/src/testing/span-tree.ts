import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const durationMs = (span: ReadableSpan) => span.duration[0] * 1e3 + span.duration[1] / 1e6;
const startNs = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];

/**
 * One trace as an indented tree of spans with their durations, children in
 * start order; `label` adds what tells spans apart (the service, a route).
 * Spans whose parent is not among `spans` are roots.
 */
export function spanTree(
  spans: readonly ReadableSpan[],
  label: (span: ReadableSpan) => string = () => '',
): string {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => startNs(a) - startNs(b))) {
      const extra = label(span);
      lines.push(
        `${'  '.repeat(depth)}${span.name}${extra ? ` [${extra}]` : ''} ${durationMs(span).toFixed(1)} ms`,
      );
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}
