import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';

/**
 * One client per signed-in token: HTTP for queries and mutations, graphql-ws
 * for subscriptions, both to the gateway that served this page.
 */
export function createApolloClient(token: string) {
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
  const link = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    ws,
    http,
  );
  return new ApolloClient({
    link,
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
