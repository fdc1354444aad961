import type { GraphQLFormattedError } from 'graphql';
import { formatError } from '#kit/errors.ts';
import { withoutSuggestions } from '#kit/operation-limits.ts';

/**
 * The kit's formatError (domain and limit codes kept, internals masked
 * outside development), plus: no field suggestions when they are switched off.
 */
export function formatGatewayError(options: { exposeInternals: boolean; suggestions: boolean }) {
  const base = formatError(options.exposeInternals);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = base(formatted, error);
    return options.suggestions ? result : { ...result, message: withoutSuggestions(result.message) };
  };
}
