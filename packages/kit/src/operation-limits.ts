import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  Lexer,
  Source,
  specifiedRules,
  TokenKind,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type Token,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface LimitSettings {
  MAX_DEPTH: number;
  MAX_ALIASES: number;
  MAX_DIRECTIVES: number;
  MAX_TOKENS: number;
  MAX_COST: number;
  MAX_ROOT_FIELDS: number;
}

/** Marks a limit error so the code survives Apollo's wrapping (see formatGatewayError). */
export const limitError = (code: string, message: string) =>
  new GraphQLError(message, { extensions: { code, limit: true, http: { status: 400 } } });

/** GraphQL Armor reports through `onReject`; we re-report with our own stable code. */
const coded = (code: string) => ({
  propagateOnRejection: false,
  exposeLimits: true,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => {
      context?.reportError(limitError(code, error.message));
    },
  ],
});

/** At most `n` top-level fields per operation (Armor has no rule for this). */
const maxRootFieldsRule =
  (n: number): ValidationRule =>
  (context) => ({
    OperationDefinition(node) {
      const fields = node.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD);
      if (fields.length > n) {
        context.reportError(
          limitError(
            'ROOT_FIELD_LIMIT_EXCEEDED',
            `Root field limit of ${n} exceeded, found ${fields.length}.`,
          ),
        );
      }
    },
  });

/** Where introspection is off, `__schema` and `__type` are refused with their own code (HTTP and WebSocket). */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        limitError('INTROSPECTION_DISABLED', `GraphQL introspection is disabled here: ${node.name.value}`),
      );
    }
  },
});

/** Validation rules for depth, aliases, directives, cost and root fields. */
export function limitRules(settings: LimitSettings): ValidationRule[] {
  return [
    maxDepthRule({ n: settings.MAX_DEPTH, ...coded('DEPTH_LIMIT_EXCEEDED') }),
    maxAliasesRule({ n: settings.MAX_ALIASES, ...coded('ALIAS_LIMIT_EXCEEDED') }),
    maxDirectivesRule({ n: settings.MAX_DIRECTIVES, ...coded('DIRECTIVE_LIMIT_EXCEEDED') }),
    costLimitRule({ maxCost: settings.MAX_COST, ...coded('COST_LIMIT_EXCEEDED') }),
    maxRootFieldsRule(settings.MAX_ROOT_FIELDS),
  ] as ValidationRule[];
}

/**
 * Counts every token before anything is parsed, comments included (graphql's
 * own lexer skips them, so padding with comments would escape the limit);
 * null when within the limit, or when the text is not GraphQL at all.
 */
export function checkTokenLimit(source: unknown, maxTokens: number): GraphQLError | null {
  if (typeof source !== 'string') return null;
  const lexer = new Lexer(new Source(source));
  let last: Token = lexer.token;
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      // advance() links skipped comments into the chain before the token it returns.
      while (last.next) {
        last = last.next;
        count += 1;
      }
      if (count > maxTokens) break;
    }
    while (last.next && last.next.kind !== TokenKind.EOF) {
      last = last.next;
      count += 1;
    }
  } catch {
    // Syntax errors are the parser's business, reported later with their own code.
  }
  return count > maxTokens
    ? limitError('TOKEN_LIMIT_EXCEEDED', `Token limit of ${maxTokens} exceeded, found more.`)
    : null;
}

/**
 * The cost limit again, with `first`/`last` variables replaced by their
 * coerced values: validation sees only literals, and `first: $n` must cost
 * what `first: 100` costs. Null when within the limit (or the variables do
 * not coerce: execution reports that with its own error).
 */
export function checkCostWithVariables(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
): GraphQLError | null {
  const operation = getOperationAST(document, operationName);
  if (!operation?.variableDefinitions?.length || !pagesByVariable(document)) return null;
  const { coerced } = getVariableValues(schema, operation.variableDefinitions, variables ?? {});
  if (!coerced) return null;
  const inlined = visit(document, {
    Argument(node) {
      if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE)
        return undefined;
      const value = coerced[node.value.name.value];
      if (typeof value !== 'number') return undefined;
      return { ...node, value: { kind: Kind.INT, value: String(value) } };
    },
  });
  const errors = validate(schema, inlined, [
    costLimitRule({ maxCost, ...coded('COST_LIMIT_EXCEEDED') }) as ValidationRule,
  ]);
  return (errors[0] as GraphQLError | undefined) ?? null;
}

// Apollo keeps one parsed document per query text, so each is searched once: most operations
// (placeOrder, `_entities`) page by no variable, and their cost was already checked in validation.
const pagingDocuments = new WeakMap<DocumentNode, boolean>();
function pagesByVariable(document: DocumentNode): boolean {
  let found = pagingDocuments.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Argument(node) {
        if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE)
          found = true;
      },
    });
    pagingDocuments.set(document, found);
  }
  return found;
}

/** Validates a document against the schema plus the limits (for WebSocket operations). */
export const validateWithLimits = (
  schema: GraphQLSchema,
  document: DocumentNode,
  extraRules: readonly ValidationRule[],
) => validate(schema, document, [...specifiedRules, ...extraRules]);

/** Removes "Did you mean ...?" hints when field suggestions are switched off. */
export const withoutSuggestions = (message: string) => message.replace(/ ?Did you mean(.+?)\?$/, '');
