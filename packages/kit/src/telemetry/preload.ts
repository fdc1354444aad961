// Loaded first, with `node --import ./packages/kit/src/telemetry/preload.ts <entry>`, so the
// instrumentations are in place before the service imports http, express, graphql, pg or mongodb.
// With no OTEL_* exporter configured it does nothing at all.
import { register } from 'node:module';
import { serviceNameOf, tracesConfigured } from './settings.ts';

if (tracesConfigured()) {
  // ESM modules can only be patched through this loader hook, registered before they load.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const { startTelemetry } = await import('./sdk.ts');
  startTelemetry({ serviceName: process.env.OTEL_SERVICE_NAME ?? serviceNameOf(process.argv[1]) });
}
