/** What an operator needs to see when the Sheet falls behind. */
export interface SheetsSinkStatus {
  name: string;
  enabled: boolean;
  /** Messages handed to the sink and not yet written (the outbox's own backlog is counted there). */
  backlog: number;
  oldestPendingAt: string | null;
  rowsWritten: number;
  lastSuccessAt: string | null;
  lastError: { message: string; status: number | null; at: string } | null;
  consecutiveFailures: number;
}

export function initialStatus(name: string): SheetsSinkStatus {
  return {
    name,
    enabled: true,
    backlog: 0,
    oldestPendingAt: null,
    rowsWritten: 0,
    lastSuccessAt: null,
    lastError: null,
    consecutiveFailures: 0,
  };
}

/** The status reported when no spreadsheet is configured. */
export const disabledStatus = (name: string): SheetsSinkStatus => ({
  ...initialStatus(name),
  enabled: false,
});
