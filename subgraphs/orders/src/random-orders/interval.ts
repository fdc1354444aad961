import { ValidationError } from '#kit/errors.ts';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
};

export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 7 * 24 * 3_600_000;

/** Parses `30 seconds`, `5 minutes`, `2s`, `500 ms`; `field` names the input in the error. */
export function parseInterval(text: string, field: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match ? UNIT_MS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new ValidationError(field, 'must be a duration such as "30 seconds", "5 minutes" or "500 ms"');
  }
  const ms = Math.round(Number(match[1]) * unit);
  if (ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS) {
    throw new ValidationError(field, `must be between ${MIN_INTERVAL_MS} ms and 7 days`);
  }
  return ms;
}
