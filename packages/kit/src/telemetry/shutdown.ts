// Kept apart from sdk.ts so that a service without telemetry never loads the SDK to call it.
let flush: (() => Promise<void>) | undefined;

/** Called by startTelemetry: what exports the buffered spans and stops the SDK. */
export function setTelemetryShutdown(shutdown: () => Promise<void>): void {
  flush = shutdown;
}

/** Exports what is buffered and stops; a no-op when telemetry never started. */
export async function shutdownTelemetry(): Promise<void> {
  const shutdown = flush;
  flush = undefined;
  await shutdown?.().catch(() => {});
}
