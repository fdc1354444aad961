import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';

/**
 * One client per signed-in token: HTTP for queries and mutations, graphql-ws
 * for subscriptions, both to the gateway that served this page. A token the
 * gateway refuses (expired, or signed with another key) ends the session.
 */
export function createApolloClient(token: string, onRefused: (message: string) => void) {
  const httpUrl = new URL('/graphql', location.href).toString();
  const authorization = `Bearer ${token}`;
  const http = new HttpLink({ uri: httpUrl, headers: { authorization } });
  const ws = new GraphQLWsLink(
    createClient({
      url: httpUrl.replace(/^http/, 'ws'),
      connectionParams: { authorization },
      retryAttempts: Infinity,
    }),
  );
  const refused = new ErrorLink(({ error }) => {
    if (!CombinedGraphQLErrors.is(error)) return;
    const unauthenticated = error.errors.find((entry) => entry.extensions?.code === 'UNAUTHENTICATED');
    if (unauthenticated) onRefused(unauthenticated.message);
  });
  const split = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    ws,
    http,
  );
  return new ApolloClient({
    link: refused.concat(split),
    cache: new InMemoryCache({
      typePolicies: {
        Order: { keyFields: ['number'] },
        Factory: { keyFields: ['id'] },
        // Products have a sku, not an id.
        Widget: { keyFields: ['sku'] },
        Gadget: { keyFields: ['sku'] },
        Gizmo: { keyFields: ['sku'] },
      },
      possibleTypes: { Product: ['Widget', 'Gadget', 'Gizmo'] },
    }),
  });
}
