import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';

// graphql-js: 'Variable "$input" got invalid value … at "input.address"; Field "bar" is not defined by type …'
const VARIABLE_ERROR = /^Variable "\$(\w+)" got invalid value .*?(?: at "([^"]+)")?; (.*)$/s;
const NAMED_FIELD = /^Field "(\w+)" (?:is not defined by type|of required type .* was not provided)/s;

/**
 * The field path a graphql-js variable-coercion message names, as our
 * `extensions.field` (`input.address.postalCode`), or undefined.
 */
export function fieldOfVariableError(message: string): string | undefined {
  const match = VARIABLE_ERROR.exec(message);
  if (!match) return undefined;
  const [, variable, at, detail] = match;
  const path = (at ?? variable!).replace(/\[(\d+)\]/g, '.$1');
  const field = NAMED_FIELD.exec(detail ?? '')?.[1];
  return field ? `${path}.${field}` : path;
}

const withField = (error: GraphQLFormattedError): GraphQLFormattedError => {
  if (error.extensions?.code !== 'BAD_USER_INPUT' || error.extensions.field) return error;
  const field = fieldOfVariableError(error.message);
  return field ? { ...error, extensions: { ...error.extensions, field } } : error;
};

/**
 * Gives GraphQL's own input errors (unknown field, missing required field,
 * wrong type in variables) the same `extensions.field` as our validation.
 */
export const variableErrorsPlugin = <Ctx extends object>(): ApolloServerPlugin<Ctx> => ({
  requestDidStart: async () => ({
    willSendResponse: async ({ response }) => {
      if (response.body.kind === 'single' && response.body.singleResult.errors) {
        response.body.singleResult.errors = response.body.singleResult.errors.map(withField);
      }
    },
  }),
});
