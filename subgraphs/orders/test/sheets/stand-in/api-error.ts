const STATUS_TEXT: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** An error in Google's JSON error shape: { error: { code, message, status } }. */
export class ApiError extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }

  get body() {
    return { error: { code: this.code, message: this.message, status: STATUS_TEXT[this.code] ?? 'UNKNOWN' } };
  }
}

export const invalid = (message: string) => new ApiError(400, message);
