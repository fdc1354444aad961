import { pino, type Logger } from 'pino';

export type { Logger };

/** One structured JSON logger per service; `LOG_LEVEL` decides how chatty. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: service, level, base: { service } });
}
