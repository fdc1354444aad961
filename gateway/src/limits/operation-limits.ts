import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import {
  GraphQLError,
  Kind,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
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

/** Counts tokens before anything is parsed; null when within the limit (or not GraphQL at all). */
export function checkTokenLimit(source: unknown, maxTokens: number): GraphQLError | null {
  if (typeof source !== 'string') return null;
  let exceeded: GraphQLError | null = null;
  try {
    new MaxTokensParserWLexer(source, {
      n: maxTokens,
      exposeLimits: true,
      propagateOnRejection: true,
      onReject: [
        (_context, error) => {
          exceeded = limitError('TOKEN_LIMIT_EXCEEDED', error.message.replace(/^Syntax Error: /, ''));
        },
      ],
    }).parseDocument();
  } catch {
    // Syntax errors are the parser's business, reported later with their own code.
  }
  return exceeded;
}

/** Validates a document against the schema plus the limits (for WebSocket operations). */
export const validateWithLimits = (
  schema: GraphQLSchema,
  document: DocumentNode,
  extraRules: readonly ValidationRule[],
) => validate(schema, document, [...specifiedRules, ...extraRules]);

/** Removes "Did you mean ...?" hints when field suggestions are switched off. */
export const withoutSuggestions = (message: string) => message.replace(/ ?Did you mean(.+?)\?$/, '');
