import type { GraphQLFormattedError } from 'graphql';

export type ErrorCode =
  'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL_SERVER_ERROR';

/** A failure the domain knows about; the transport decides how to show it. */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends DomainError {
  readonly field: string;

  /** @param field a path like `lines.0.attributes.color` */
  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
    this.field = field;
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('NOT_FOUND', `${what} ${id} was not found`, { id });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'A valid bearer token is required') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

function findDomainError(error: unknown): DomainError | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof DomainError) return current;
    // Duck-typed, not `instanceof GraphQLError`: under vitest the kit and Apollo load different
    // copies of graphql (index.mjs vs index.js), and every domain error was masked as internal.
    const original = (current as { originalError?: unknown }).originalError;
    current = original instanceof Error ? original : current.cause;
  }
  return undefined;
}

/** The extensions of an operation-limit error, innermost (Apollo's wrapper copies them under its own code). */
function limitExtensions(error: unknown): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const extensions = (current as { extensions?: Record<string, unknown> }).extensions;
    if (extensions?.limit) found = extensions;
    current = (current as { originalError?: unknown }).originalError;
  }
  return found;
}

/**
 * Apollo Server `formatError`: domain errors keep their code and fields;
 * limit errors keep their own code although Apollo files them under
 * GRAPHQL_VALIDATION_FAILED; anything else is masked unless
 * `exposeInternals` (development).
 */
export function formatError(exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const limit = limitExtensions(error);
    if (limit) {
      const { http: _http, limit: _limit, ...extensions } = limit;
      const merged: Record<string, unknown> = { ...formatted.extensions, ...extensions };
      delete merged.http;
      delete merged.limit;
      return { ...formatted, extensions: merged };
    }
    const domain = findDomainError(error);
    if (domain) {
      return {
        ...formatted,
        message: domain.message,
        extensions: { ...formatted.extensions, code: domain.code, ...domain.details },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
    if (exposeInternals) return formatted;
    return {
      message: 'Internal server error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}
