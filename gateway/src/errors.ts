import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { formatError } from '#kit/errors.ts';
import { withoutSuggestions } from './limits/operation-limits.ts';

/** The GraphQLError the gateway itself raised, under Apollo's wrapping. */
const innermost = (error: unknown): unknown => {
  let current = error;
  for (let depth = 0; current instanceof GraphQLError && current.originalError && depth < 5; depth++) {
    current = current.originalError;
  }
  return current;
};

/**
 * The kit's formatError (domain codes kept, internals masked outside
 * development), plus: limit errors keep their own code although Apollo
 * files them under GRAPHQL_VALIDATION_FAILED, and no field suggestions
 * when they are switched off.
 */
export function formatGatewayError(options: { exposeInternals: boolean; suggestions: boolean }) {
  const base = formatError(options.exposeInternals);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const inner = innermost(error);
    let result = formatted;
    if (inner instanceof GraphQLError && inner.extensions.limit) {
      const { http: _http, limit: _limit, ...extensions } = inner.extensions;
      result = { ...formatted, extensions: { ...formatted.extensions, ...extensions } };
      delete (result.extensions as Record<string, unknown>).http;
    } else {
      result = base(formatted, error);
    }
    return options.suggestions ? result : { ...result, message: withoutSuggestions(result.message) };
  };
}
