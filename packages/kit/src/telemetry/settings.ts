/**
 * Traces are on only when an OTLP exporter is configured by the standard
 * variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_TRACES_EXPORTER), and OTEL_SDK_DISABLED is not `true`. Otherwise nothing
 * is loaded or patched: @opentelemetry/api stays its no-op.
 */
export function tracesConfigured(env: Record<string, string | undefined> = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (exporters.includes('none')) return false;
  return Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || exporters.length,
  );
}

/** `gateway/src/index.ts` → gateway, `subgraphs/orders/src/index.ts` → orders (when OTEL_SERVICE_NAME is unset). */
export function serviceNameOf(entry: string | undefined): string | undefined {
  const match = /(?:^|[/\\])(?:subgraphs[/\\])?([\w-]+)[/\\]src[/\\]index\.ts$/.exec(entry ?? '');
  return match?.[1];
}
