import type { ApolloServerPlugin } from '@apollo/server';
import { checkCostWithVariables } from './operation-limits.ts';

/**
 * The cost limit on the operation as it will run, variables included
 * (validation rules see only literals). Thrown errors keep their code and 400.
 */
export const variableCostPlugin = <Ctx extends object>(maxCost: number): ApolloServerPlugin<Ctx> => ({
  requestDidStart: async () => ({
    didResolveOperation: async ({ schema, document, operationName, request }) => {
      const exceeded = checkCostWithVariables(schema, document, operationName, request.variables, maxCost);
      if (exceeded) throw exceeded;
    },
  }),
});
