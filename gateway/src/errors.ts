import type { GraphQLFormattedError } from 'graphql';
import { formatError } from '#kit/errors.ts';
import { withoutSuggestions } from '#kit/operation-limits.ts';

interface SubgraphResponse {
  status?: number;
  body?: { errors?: { message?: string; extensions?: { code?: unknown; field?: unknown } }[] };
}

const CODE_OF_STATUS: Record<number, string> = { 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN' };

/**
 * A subgraph that refused a request (4xx, e.g. a variable its scalar rejects)
 * is the caller's mistake: answer with the subgraph's own first error and
 * code, never its address (@apollo/gateway puts the response, URL included,
 * in `extensions.response`).
 */
function subgraphRefusal(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const response = formatted.extensions?.response as SubgraphResponse | undefined;
  if (!response || typeof response.status !== 'number') return undefined;
  const { response: _response, ...extensions } = formatted.extensions!;
  if (response.status >= 500) {
    return { ...formatted, extensions: { ...extensions, code: 'INTERNAL_SERVER_ERROR' } };
  }
  const first = response.body?.errors?.[0];
  const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
  return {
    message: first?.message ?? 'The request was refused',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: code ?? CODE_OF_STATUS[response.status] ?? 'BAD_USER_INPUT',
      ...(typeof first?.extensions?.field === 'string' ? { field: first.extensions.field } : {}),
    },
  };
}

/**
 * The kit's formatError (domain and limit codes kept, internals masked
 * outside development), a subgraph's refusal as the caller's error, and no
 * field suggestions when they are switched off.
 */
export function formatGatewayError(options: { exposeInternals: boolean; suggestions: boolean }) {
  const base = formatError(options.exposeInternals);
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const refusal = subgraphRefusal(formatted);
    const result =
      refusal?.extensions?.code === 'INTERNAL_SERVER_ERROR'
        ? base(refusal, error)
        : (refusal ?? base(formatted, error));
    return options.suggestions ? result : { ...result, message: withoutSuggestions(result.message) };
  };
}
