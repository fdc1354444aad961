import type { ApolloServerPlugin } from '@apollo/server';
import type { Logger } from '#kit/logger.ts';
import type { GatewayContext } from './context.ts';

/** Puts the request id in every response's `extensions` and in one log line per operation. */
export const requestLogPlugin = (logger: Logger): ApolloServerPlugin<GatewayContext> => ({
  async requestDidStart({ contextValue }) {
    const started = performance.now();
    return {
      async willSendResponse({ response, operationName, errors }) {
        if (response.body.kind === 'single') {
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            requestId: contextValue.requestId,
          };
        }
        // Bindings in the call, not a child logger: a child per request costs more than the line it logs.
        if (!logger.isLevelEnabled('info')) return;
        logger.info(
          {
            requestId: contextValue.requestId,
            sub: contextValue.identity?.sub,
            operationName,
            ms: Math.round(performance.now() - started),
            errors: errors?.length ?? 0,
          },
          'graphql request',
        );
      },
    };
  },
});
