export interface FailureKind {
  retryable: boolean;
  /** The request may have been applied although no success reply arrived (timeout, reset, 5xx). */
  outcomeUnknown: boolean;
  status?: number;
}

/** Classifies a gaxios error (or a plain network error) from the Sheets client. */
export function classifyFailure(error: unknown): FailureKind {
  const status = httpStatus(error);
  if (status === undefined) return { retryable: true, outcomeUnknown: true };
  if (status === 429) return { retryable: true, outcomeUnknown: false, status };
  if (status === 408 || status >= 500) return { retryable: true, outcomeUnknown: true, status };
  return { retryable: false, outcomeUnknown: false, status };
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { status?: unknown; response?: { status?: unknown } };
  const status = candidate.response?.status ?? candidate.status;
  return typeof status === 'number' ? status : undefined;
}
