/**
 * Simulated time: `SIM_TIME_SCALE` multiplies every duration, so 1 is real
 * seconds, 0.01 suits tests and 0 is instant.
 */
export function scaledMs(seconds: number, scale: number): number {
  return Math.max(0, Math.round(seconds * scale * 1000));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
