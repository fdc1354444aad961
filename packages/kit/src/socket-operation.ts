import {
  getOperationAST,
  GraphQLError,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { checkCostWithVariables, checkTokenLimit, validateWithLimits } from './operation-limits.ts';

/** Apollo's codes for what graphql-js reports without one, so no refusal is masked as an internal error. */
const withCode = (error: GraphQLError, code: string) =>
  error.extensions.code
    ? error
    : new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        originalError: error.originalError,
        extensions: { ...error.extensions, code },
      });

export interface SocketOperation {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

/**
 * A graphql-ws `subscribe` message through the same limits as HTTP: tokens
 * (comments counted) before parsing, then validation with the limit rules,
 * then cost with the variables' values. The document, or the errors to send.
 */
export function checkSocketOperation(
  schema: GraphQLSchema,
  payload: SocketOperation,
  limits: { rules: readonly ValidationRule[]; maxTokens: number; maxCost: number },
): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  const tooMany = checkTokenLimit(payload.query, limits.maxTokens);
  if (tooMany) return { errors: [tooMany] };
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    return { errors: [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')] };
  }
  const errors = validateWithLimits(schema, document, limits.rules);
  if (errors.length > 0)
    return { errors: errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
  if (!getOperationAST(document, payload.operationName)) {
    const message = 'Could not determine the operation to run';
    return { errors: [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })] };
  }
  const costly = checkCostWithVariables(
    schema,
    document,
    payload.operationName,
    payload.variables,
    limits.maxCost,
  );
  return costly ? { errors: [costly] } : { document };
}
